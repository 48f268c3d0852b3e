// Runs inside the TypeScript compiler's own script (typescript.js, which defines `ts`). Evaluates to
// a function that compiles a program held in memory and returns its outputs and diagnostics.
//
//   sources:    { '/app/main.ts': '...', ... }  the program's files, by absolute virtual path
//   readLib:    name => text or null           the compiler's default library files (lib.dom.d.ts, ...)
//   rootDir, outDir: virtual folders; every output lands under outDir mirroring rootDir
//
// Returns { outputs: { path: text }, diagnostics: [{ file, line, column, code, message }] }.
// Nothing is emitted when a diagnostic is an error. The library files are parsed once and kept for
// every later compilation: parsing lib.dom.d.ts is most of a small program's compile time.
(function () {
const LIB = '/typescript-lib/';
const libTexts = new Map();
const libFiles = new Map();

return function (sources, readLib, rootDir, outDir) {
  const outputs = {};

  function readFile(name) {
    if (Object.prototype.hasOwnProperty.call(sources, name)) {
      return sources[name];
    }
    if (name.startsWith(LIB)) {
      const lib = name.substring(LIB.length);
      if (!libTexts.has(lib)) {
        const text = readLib(lib);
        libTexts.set(lib, text === null ? undefined : String(text));
      }
      return libTexts.get(lib);
    }
    return undefined;
  }

  const host = {
    getSourceFile(name, languageVersion) {
      const key = name + '@' + JSON.stringify(languageVersion);
      if (name.startsWith(LIB) && libFiles.has(key)) {
        return libFiles.get(key);
      }
      const text = readFile(name);
      const file = text === undefined ? undefined : ts.createSourceFile(name, text, languageVersion, true);
      if (name.startsWith(LIB)) {
        libFiles.set(key, file);
      }
      return file;
    },
    getDefaultLibFileName: (options) => LIB + ts.getDefaultLibFileName(options),
    getDefaultLibLocation: () => LIB,
    writeFile: (name, text) => { outputs[name] = text; },
    getCurrentDirectory: () => rootDir,
    getDirectories: () => [],
    directoryExists: (name) => name === '/' || Object.keys(sources).some((s) => s.startsWith(name.endsWith('/') ? name : name + '/')),
    fileExists: (name) => readFile(name) !== undefined,
    readFile,
    getCanonicalFileName: (name) => name,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
  };

  const options = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ES2022,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    types: [],
    strict: true,
    skipLibCheck: true,
    noFallthroughCasesInSwitch: true,
    noImplicitReturns: true,
    forceConsistentCasingInFileNames: true,
    noEmitOnError: true,
    sourceMap: true,
    inlineSources: true,
    rootDir,
    outDir,
  };

  const roots = Object.keys(sources).filter((name) => name.endsWith('.ts'));
  const program = ts.createProgram(roots, options, host);
  const found = ts.getPreEmitDiagnostics(program).slice();
  if (!found.some((d) => d.category === ts.DiagnosticCategory.Error)) {
    found.push(...program.emit().diagnostics);
  }
  const diagnostics = found.map((d) => {
    const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : null;
    return {
      file: d.file ? d.file.fileName : '',
      line: at ? at.line + 1 : 0,
      column: at ? at.character + 1 : 0,
      code: d.code,
      error: d.category === ts.DiagnosticCategory.Error,
      message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
    };
  });
  return { outputs, diagnostics };
};
})()
