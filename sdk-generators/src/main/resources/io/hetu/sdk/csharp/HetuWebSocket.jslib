// The browser's WebSocket for HeTu's C# client in Unity WebGL players (HetuWebGLTransport.cs), which have no
// sockets of their own. Unity links this file into the player's JavaScript (Unity 2021.2 or later, for
// makeDynCall). Sockets are numbered; C# passes its callbacks as function pointers, which are called with the
// socket's number: onOpen(id), onMessage(id, bytes, length) and, once, onClose(id, code, reason, reasonLength).
// The bytes handed to onMessage and onClose live in the player's heap only for the duration of the call.
var HetuWebSocketLibrary = {
  $HetuSockets: {
    next: 1,
    open: {},

    /** Copies `bytes` into the player's heap, calls `callback(pointer, length)`, and frees them again. */
    withHeapBytes: function (bytes, callback) {
      var pointer = _malloc(bytes.length);
      HEAPU8.set(bytes, pointer);
      try {
        callback(pointer, bytes.length);
      } finally {
        _free(pointer);
      }
    },

    /** Forgets socket `id` and tells C# once why it ended. */
    end: function (id, code, reason) {
      var entry = HetuSockets.open[id];
      if (!entry) return;
      var onClose = entry.onClose;
      delete HetuSockets.open[id];
      entry.socket.onopen = entry.socket.onmessage = entry.socket.onclose = entry.socket.onerror = null;
      if (entry.socket.readyState < 2) entry.socket.close(1000);
      HetuSockets.withHeapBytes(new TextEncoder().encode(reason), function (pointer, length) {
        {{{ makeDynCall('viiii', 'onClose') }}}(id, code, pointer, length);
      });
    }
  },

  HetuWsOpen: function (url, onOpen, onMessage, onClose) {
    var id = HetuSockets.next++;
    var socket;
    try {
      socket = new WebSocket(UTF8ToString(url));
    } catch (error) {
      // A malformed url throws here rather than closing; report it the same way, after this call returns.
      socket = { readyState: 3, close: function () {} };
      HetuSockets.open[id] = { socket: socket, onClose: onClose };
      setTimeout(function () { HetuSockets.end(id, 1006, String(error)); }, 0);
      return id;
    }
    socket.binaryType = 'arraybuffer';
    HetuSockets.open[id] = { socket: socket, onClose: onClose };
    socket.onopen = function () {
      {{{ makeDynCall('vi', 'onOpen') }}}(id);
    };
    socket.onmessage = function (event) {
      if (typeof event.data === 'string') {
        HetuSockets.end(id, 1003, 'the server sent a text frame');
        return;
      }
      HetuSockets.withHeapBytes(new Uint8Array(event.data), function (pointer, length) {
        {{{ makeDynCall('viii', 'onMessage') }}}(id, pointer, length);
      });
    };
    // An error is always followed by a close event, which carries what the browser reveals.
    socket.onclose = function (event) {
      HetuSockets.end(id, event.code, event.reason);
    };
    return id;
  },

  /** Sends `length` bytes from the heap as one binary message; 0 when the socket is not open. */
  HetuWsSend: function (id, bytes, length) {
    var entry = HetuSockets.open[id];
    if (!entry || entry.socket.readyState !== 1) return 0;
    entry.socket.send(HEAPU8.slice(bytes, bytes + length));
    return 1;
  },

  /** Starts the closing handshake; onClose follows when it completes. */
  HetuWsClose: function (id) {
    var entry = HetuSockets.open[id];
    if (entry && entry.socket.readyState < 2) entry.socket.close(1000, 'bye');
  },

  /** Drops socket `id` at once: onClose is called now, with code 1006. */
  HetuWsAbort: function (id) {
    HetuSockets.end(id, 1006, 'the connection was aborted');
  }
};

autoAddDeps(HetuWebSocketLibrary, '$HetuSockets');
mergeInto(LibraryManager.library, HetuWebSocketLibrary);
