// hetu:check stopped the build before javac, naming the source and the XML to add.
def log = new File(basedir, 'build.log').text
def source = new File(basedir, 'src/main/java/com/example/forgot/Coins.java').absolutePath
assert log.contains("$source uses HeTu's annotations, but maven-compiler-plugin does not run the HeTu annotation processor") : 'the failure does not name the source'
assert log.contains('<artifactId>hetu-processor</artifactId>') : 'the failure does not give the XML to add'
assert log.contains('annotationProcessorPaths') : 'the failure does not name annotationProcessorPaths'
assert !log.contains('COMPILATION ERROR') && !log.contains('Compiling 1 source file') : 'javac ran: the check came too late'
return true
