// A stand-in for the parts of a Unity WebGL player that HetuWebSocket.jslib uses: emscripten's library merge
// (mergeInto, autoAddDeps, `$` entries as globals, makeDynCall expanded to getWasmTableEntry), the heap (HEAPU8,
// which is replaced on every allocation as when the player's memory grows, _malloc, _free) and UTF8ToString.
// Playing the C# side, it opens a socket to the page's `url`, sends `hello` (hex) when it opens, `call` (hex) at
// WELCOME, closes at RESULT, and resolves window.hetuDone with what it saw.
'use strict';

let heap = new Uint8Array(1 << 16);
let heapEnd = 8;
const live = new Map();
window.HEAPU8 = heap;
window._malloc = (size) => {
  const pointer = heapEnd;
  heapEnd += Math.max(size, 1);
  live.set(pointer, size);
  heap = new Uint8Array(heap);
  window.HEAPU8 = heap;
  return pointer;
};
window._free = (pointer) => {
  if (!live.delete(pointer)) throw new Error(`_free(${pointer}) of memory that is not allocated`);
};
window.UTF8ToString = (pointer) => {
  let end = pointer;
  while (heap[end] !== 0) end++;
  return new TextDecoder().decode(heap.subarray(pointer, end));
};
const table = [null];
window.getWasmTableEntry = (index) => table[index];
window.LibraryManager = { library: {} };
window.mergeInto = (target, library) => Object.assign(target, library);
window.autoAddDeps = (library, name) => {
  if (!(name in library)) throw new Error(`autoAddDeps: ${name} is not in the library`);
};

function toHeap(bytes) {
  const pointer = _malloc(bytes.length);
  HEAPU8.set(bytes, pointer);
  return pointer;
}
const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const unhex = (text) => new Uint8Array(text.match(/../g).map((b) => parseInt(b, 16)));

window.hetuDone = (async () => {
  const source = await (await fetch('./HetuWebSocket.jslib')).text();
  const expanded = source.replace(/\{\{\{\s*makeDynCall\('(\w+)',\s*'(\w+)'\)\s*\}\}\}/g, 'getWasmTableEntry($2)');
  if (expanded.includes('{{{')) throw new Error('a {{{ }}} macro this stand-in does not know');
  new Function(expanded)();
  const lib = LibraryManager.library;
  for (const key of Object.keys(lib).filter((k) => k.startsWith('$'))) window[key.slice(1)] = lib[key];

  const query = new URLSearchParams(location.search);
  const seen = { opened: 0, messages: [], closes: [] };
  const ended = new Promise((resolve) => {
    const onOpen = table.push((id) => {
      seen.opened++;
      const hello = unhex(query.get('hello'));
      const pointer = toHeap(hello);
      seen.helloSent = lib.HetuWsSend(id, pointer, hello.length);
      _free(pointer);
    }) - 1;
    const onMessage = table.push((id, pointer, length) => {
      const message = HEAPU8.slice(pointer, pointer + length);
      seen.messages.push(hex(message));
      if (message[0] === 0x81) {
        const call = unhex(query.get('call'));
        const callPointer = toHeap(call);
        lib.HetuWsSend(id, callPointer, call.length);
        _free(callPointer);
      } else if (message[0] === 0x82) {
        lib.HetuWsClose(id);
      }
    }) - 1;
    const onClose = table.push((id, code, pointer, length) => {
      seen.closes.push({ id, code, reason: new TextDecoder().decode(HEAPU8.slice(pointer, pointer + length)) });
      resolve();
    }) - 1;
    const url = toHeap(new TextEncoder().encode(query.get('url') + '\0'));
    seen.id = lib.HetuWsOpen(url, onOpen, onMessage, onClose);
    _free(url);
  });
  await ended;
  seen.sendAfterClose = lib.HetuWsSend(seen.id, 8, 1);
  // The socket is gone: a late abort calls nothing back (the test checks there is still one close).
  lib.HetuWsAbort(seen.id);
  seen.allocationsLeft = live.size;
  return seen;
})();
