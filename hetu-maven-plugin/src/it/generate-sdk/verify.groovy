// The SDKs of both targets exist, named from the project and the configuration, and the second run skipped.
def sdk = new File(basedir, 'target/hetu-sdk')
def expected = [
    'typescript/package.json', 'typescript/src/index.ts', 'typescript/src/systems.ts',
    'typescript/src/components/score.ts', 'typescript/.hetu-generated',
    'csharp/package.json', 'csharp/Runtime/Arena.Net.asmdef', 'csharp/Runtime/HetuClient.cs',
    'csharp/Runtime/Components/Score.cs', 'csharp/.hetu-generated',
]
expected.each { path ->
    assert new File(sdk, path).isFile() : "hetu:generate did not write target/hetu-sdk/$path"
}
def npm = new File(sdk, 'typescript/package.json').text
assert npm.contains('"name": "arena-game-client"') : npm
assert npm.contains('"version": "1.4.0-SNAPSHOT"') : npm
def unity = new File(sdk, 'csharp/package.json').text
assert unity.contains('"name": "com.example.games.arena-game-client"') : unity

def log = new File(basedir, 'build.log').text
assert log =~ /TypeScript SDK in .*: \d+ files written, 0 unchanged, 0 removed/ : 'no summary of the first run'
assert log =~ /C# SDK in .*: \d+ files written, 0 unchanged, 0 removed/ : 'no summary of the first run'
assert log =~ /TypeScript SDK in .* is up to date/ : 'the second run did not find the TypeScript SDK up to date'
assert log =~ /C# SDK in .* is up to date/ : 'the second run did not find the C# SDK up to date'
return true
