// The host facilities the client needs, typed here so that the SDK compiles with lib ES2022 alone:
// neither the DOM typings nor @types/node are required, and both may be present.

/** What the client needs of a WebSocket: the browser's global `WebSocket` and Node's `ws` both fit. */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  /** Node's `ws` only: drops the connection without the closing handshake. */
  terminate?(): void;
  addEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (event: SocketEvent) => void): void;
}

/** The parts of open, message, close and error events that the client reads. */
export interface SocketEvent {
  readonly data?: unknown;
  readonly code?: number;
  readonly reason?: string;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

interface Host {
  readonly WebSocket?: WebSocketConstructor;
  readonly TextEncoder: new () => { encode(text: string): Uint8Array };
  readonly TextDecoder: new (label: string, options: { fatal: boolean; ignoreBOM: boolean }) => {
    decode(bytes: Uint8Array): string;
  };
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  readonly console?: { warn(...data: unknown[]): void };
}

const host = globalThis as unknown as Host;

export const utf8Encoder = new host.TextEncoder();

// fatal: malformed UTF-8 from the server is an error, not U+FFFD; ignoreBOM: a leading U+FEFF is content.
export const utf8Decoder = new host.TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function defaultWebSocket(): WebSocketConstructor | undefined {
  return host.WebSocket;
}

export function startTimer(callback: () => void, ms: number): unknown {
  return host.setTimeout(callback, ms);
}

export function cancelTimer(handle: unknown): void {
  if (handle !== undefined) {
    host.clearTimeout(handle);
  }
}

/** Logs a warning where the host has a console (browsers and Node both do). */
export function warn(message: string, error: unknown): void {
  host.console?.warn(message, error);
}
