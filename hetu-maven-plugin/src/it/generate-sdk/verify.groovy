// The SDKs of the three targets exist, named from the project and the configuration; the Java client compiles;
// and the second run skipped.
def sdk = new File(basedir, 'target/hetu-sdk')
def expected = [
    'typescript/package.json', 'typescript/src/index.ts', 'typescript/src/systems.ts',
    'typescript/src/components/score.ts', 'typescript/.hetu-generated',
    'csharp/package.json', 'csharp/Runtime/Arena.Net.asmdef', 'csharp/Runtime/HetuClient.cs',
    'csharp/Runtime/Components/Score.cs', 'csharp/.hetu-generated',
    'java/com/example/games/arenagame/client/HetuClient.java',
    'java/com/example/games/arenagame/client/ScoreRow.java',
    'java/com/example/games/arenagame/client/HetuConnection.java', 'java/.hetu-generated',
]
expected.each { path ->
    assert new File(sdk, path).isFile() : "hetu:generate did not write target/hetu-sdk/$path"
}
def npm = new File(sdk, 'typescript/package.json').text
assert npm.contains('"name": "arena-game-client"') : npm
assert npm.contains('"version": "1.4.0-SNAPSHOT"') : npm
def unity = new File(sdk, 'csharp/package.json').text
assert unity.contains('"name": "com.example.games.arena-game-client"') : unity

// The Java client, and a bot that uses it (src/bot/java), compile against hetu-api alone, without a warning.
def version = (new File(basedir, 'pom.xml').text =~ /<hetu\.version>([^<]+)<\/hetu\.version>/)[0][1]
def hetuApi = new File(localRepositoryPath, "io/hetu/hetu-api/$version/hetu-api-${version}.jar")
assert hetuApi.isFile() : "hetu-api is not in the local repository: $hetuApi"
def sources = []
[new File(sdk, 'java'), new File(basedir, 'src/bot/java')].each { root ->
    root.eachFileRecurse { if (it.name.endsWith('.java')) sources << it.path }
}
def classes = new File(basedir, 'target/java-client-classes')
classes.mkdirs()
def diagnostics = new ByteArrayOutputStream()
int status = javax.tools.ToolProvider.systemJavaCompiler.run(null, diagnostics, diagnostics,
        *(['--release', '25', '-Xlint:all', '-Werror', '-proc:none', '-classpath', hetuApi.path, '-d', classes.path]
        + sources))
assert status == 0 : "javac refused the Java client:\n$diagnostics"

['com/example/games/arenagame/client/HetuClient.class', 'com/example/games/arenagame/client/ScoreTable.class',
 'com/example/arena/bot/Bot.class'].each { path ->
    assert new File(classes, path).isFile() : "the Java client did not compile to target/java-client-classes/$path"
}

def log = new File(basedir, 'build.log').text
['TypeScript', 'C#', 'Java'].each { language ->
    assert log =~ /$language SDK in .*: \d+ files written, 0 unchanged, 0 removed/ : "no summary of the first $language run"
    assert log =~ /$language SDK in .* is up to date/ : "the second run did not find the $language SDK up to date"
}
return true
