// The failure names the path it looked at and what to run first.
def log = new File(basedir, 'build.log').text
def manifest = new File(basedir, "target/classes/META-INF/hetu/schema.json").absolutePath
assert log.contains("No HeTu schema manifest at $manifest") : 'the failure does not name the manifest path'
assert log.contains("annotationProcessorPaths") : 'the failure does not say how to configure the processor'
assert log.contains("mvn compile hetu:generate") : 'the failure does not say what to run'
assert log.contains("docs/COMPONENTS.md") : 'the failure does not point to the docs'
assert !new File(basedir, 'target/hetu-sdk').exists() : 'a failed run left an SDK folder'
return true
