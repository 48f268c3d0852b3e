// A page bundled by Vite from the packed, installed SDK: it connects with the browser's own WebSocket, subscribes
// to one gadget owner's rows, saves a gadget and reports the insert the server pushes.
// The page's query holds the server's url and the owner to use.
import { connect, SCHEMA_HASH } from 'hetu-sdk-test-client';

window.hetuDone = (async () => {
  const query = new URLSearchParams(location.search);
  const owner = BigInt(query.get('owner'));
  const client = await connect({ url: query.get('url') });
  const gadgets = await client.gadget.selectByOwner(owner);
  const inserted = new Promise((resolve) => gadgets.onInsert((id, row) => resolve({ id: String(id), name: row.name })));
  const savedId = await client.systems.saveGadget(owner, 3, 'from vite', 'HAPPY', new Uint8Array([7]), 0n, 0n, null, null);
  const insert = await inserted;
  client.close();
  return { schemaHash: SCHEMA_HASH, savedId: String(savedId), insert};
})();
