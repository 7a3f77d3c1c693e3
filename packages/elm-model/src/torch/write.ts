// Write a state dict as torch.save does (zip format, docs/CONTRACTS.md §4), so
// that `torch.load(path)` (also with weights_only=True) gives an OrderedDict of
// tensors: archive/data.pkl (pickle protocol 2: collections.OrderedDict of
// torch._utils._rebuild_tensor_v2 over persistent storages ('storage',
// torch.<T>Storage, key, 'cpu', numel)), archive/byteorder = "little",
// archive/data/<key> raw little-endian, archive/version = 3; entries stored,
// data aligned to 64 bytes.
import { PyCall, PyGlobalRef, PyPersistent, PyTupleOf, pickle, type PyValue } from "./datasets.js";
import { dtypeInfo, numel, type RawTensor } from "./rawTensor.js";
import { TorchFileError, writeTorchArchive } from "./zip.js";

export interface WriteTorchOptions {
  /** The zip's top folder (torch uses the file's stem; "archive" by default). */
  archiveName?: string;
  /** `_metadata` to attach to the OrderedDict (module path → {version: n}), as nn.Module.state_dict() does. */
  metadata?: Map<string, Map<string, number>>;
}

export function writeTorchStateDict(tensors: ReadonlyMap<string, RawTensor>, opts: WriteTorchOptions = {}): Uint8Array {
  const archiveName = opts.archiveName ?? "archive";
  if (!/^[A-Za-z0-9_.-]+$/.test(archiveName)) throw new TorchFileError(`archive name '${archiveName}' must be a plain folder name`);
  const ordered = new PyGlobalRef("collections", "OrderedDict");
  const rebuild = new PyGlobalRef("torch._utils", "_rebuild_tensor_v2");
  const items = new Map<PyValue, PyValue>();
  const storages: [string, Uint8Array][] = [];
  let key = 0;
  for (const [name, t] of tensors) {
    if (typeof name !== "string" || name.length === 0) throw new TorchFileError(`state-dict keys must be non-empty strings, got ${JSON.stringify(name)}`);
    const info = dtypeInfo(t.dtype);
    if (!Array.isArray(t.shape) || t.shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
      throw new TorchFileError(`tensor '${name}': shape ${JSON.stringify(t.shape)} must be non-negative integers`);
    }
    const n = numel(t.shape);
    if (!info.check(t.data)) throw new TorchFileError(`tensor '${name}': dtype ${t.dtype} needs ${info.alloc(0).constructor.name} data, got ${t.data.constructor.name}`);
    if (t.data.length !== n) throw new TorchFileError(`tensor '${name}': shape (${t.shape}) has ${n} elements, data has ${t.data.length}`);
    if (t.dtype === "bool" && (t.data as Uint8Array).some((v) => v > 1)) throw new TorchFileError(`tensor '${name}': bool data must be 0 or 1`);
    const k = String(key++);
    // little-endian host (every platform Node runs on in practice); copy the exact bytes
    storages.push([`data/${k}`, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength).slice()]);
    const stride: number[] = new Array(t.shape.length);
    for (let d = t.shape.length - 1, s = 1; d >= 0; d--) { stride[d] = s; s *= t.shape[d]!; }
    const storage = new PyPersistent(new PyTupleOf(["storage", new PyGlobalRef("torch", info.storage), k, "cpu", n]));
    items.set(name, new PyCall(rebuild, [storage, 0, new PyTupleOf(t.shape), new PyTupleOf(stride), false, new PyCall(ordered, [])]));
  }
  let state: PyValue | undefined;
  if (opts.metadata) {
    const md = new Map<PyValue, PyValue>();
    for (const [mod, m] of opts.metadata) md.set(mod, new Map<PyValue, PyValue>(m));
    state = new Map<PyValue, PyValue>([["_metadata", new PyCall(ordered, [], undefined, md)]]);
  }
  const pkl = pickle(new PyCall(ordered, [], state, items));
  const enc = new TextEncoder();
  return writeTorchArchive(
    [["data.pkl", pkl], ["byteorder", enc.encode("little")], ...storages, ["version", enc.encode("3\n")]],
    archiveName,
  );
}
