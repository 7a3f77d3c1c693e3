// PyTorch state dicts (torch.save of model.state_dict(), zip format) read
// without PyTorch (docs/CONTRACTS.md §4). data.pkl is unpickled with the strict
// reader of @elm/datasets, allowing only the globals a state dict uses:
//   collections.OrderedDict, torch._utils._rebuild_tensor_v2 (and
//   _rebuild_parameter), torch.<T>Storage named by persistent ids
//   ('storage', torch.FloatStorage, key, location, numel) whose bytes are the
//   record data/<key> (little-endian).
import {
  ORDERED_DICT,
  PickleError,
  dictAttributes,
  isPyTuple,
  pyFunction,
  pyTypeName,
  unpickle,
  type PyGlobal,
  type PyValue,
} from "./datasets.js";
import { numel, storageInfo, type RawTensor, type RawTensorData, type TorchDType } from "./rawTensor.js";
import { TorchFileError, readTorchArchive } from "./zip.js";

class TorchStorage {
  constructor(readonly key: string, readonly dtype: TorchDType, readonly data: RawTensorData, readonly location: string) {}
}

/** A tensor built by _rebuild_tensor_v2, before it is checked to be in a state dict. */
class BuiltTensor {
  constructor(readonly tensor: RawTensor) {}
}

function storageGlobal(name: string): PyGlobal {
  return { kind: "global", module: "torch", name };
}

function intList(v: PyValue, what: string): number[] {
  if (!Array.isArray(v)) throw new TorchFileError(`${what}: expected a tuple of ints, got ${pyTypeName(v)}`);
  return v.map((x) => {
    const n = typeof x === "bigint" ? Number(x) : x;
    if (!Number.isSafeInteger(n)) throw new TorchFileError(`${what}: expected ints, got ${pyTypeName(x)} ${String(x)}`);
    return n as number;
  });
}

/** `_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])`: strided view, copied to row-major. */
function rebuildTensor(args: readonly PyValue[]): BuiltTensor {
  if (args.length < 4) throw new TorchFileError(`_rebuild_tensor_v2 expects at least 4 arguments, got ${args.length}`);
  const [storage, offsetRaw, sizeRaw, strideRaw] = args;
  if (!(storage instanceof TorchStorage)) throw new TorchFileError(`_rebuild_tensor_v2: expected a storage, got ${pyTypeName(storage)}`);
  const offset = typeof offsetRaw === "bigint" ? Number(offsetRaw) : offsetRaw;
  if (!Number.isSafeInteger(offset) || offset < 0) throw new TorchFileError(`_rebuild_tensor_v2: bad storage offset ${String(offsetRaw)}`);
  const shape = intList(sizeRaw, "_rebuild_tensor_v2 size");
  const stride = intList(strideRaw, "_rebuild_tensor_v2 stride");
  if (shape.length !== stride.length) throw new TorchFileError(`_rebuild_tensor_v2: size (${shape}) and stride (${stride}) differ in length`);
  if (shape.some((d) => d < 0)) throw new TorchFileError(`_rebuild_tensor_v2: negative size (${shape})`);
  const n = numel(shape);
  const src = storage.data;
  const info = storageInfo(TORCH_STORAGE_BY_DTYPE[storage.dtype])!;
  if (n === 0) return new BuiltTensor({ dtype: storage.dtype, shape, data: info.alloc(0) });
  let maxIdx = offset;
  for (let d = 0; d < shape.length; d++) {
    if (stride[d]! < 0) throw new TorchFileError(`_rebuild_tensor_v2: negative stride (${stride}) is not read`);
    maxIdx += (shape[d]! - 1) * stride[d]!;
  }
  if (maxIdx >= src.length) {
    throw new TorchFileError(
      `tensor of size (${shape}) stride (${stride}) offset ${offset} reaches element ${maxIdx}, but storage data/${storage.key} holds ${src.length} ${storage.dtype} elements`,
    );
  }
  // contiguous fast path
  let contiguous = true;
  for (let d = shape.length - 1, s = 1; d >= 0; d--) {
    if (shape[d] !== 1 && stride[d] !== s) contiguous = false;
    s *= shape[d]!;
  }
  const out = info.alloc(n);
  if (contiguous) {
    (out as Uint8Array).set((src as Uint8Array).subarray(offset, offset + n) as never);
  } else {
    const nd = shape.length;
    const idx = new Array<number>(nd).fill(0);
    let off = offset;
    for (let i = 0; i < n; i++) {
      (out as unknown as { [k: number]: unknown })[i] = (src as unknown as { [k: number]: unknown })[off];
      for (let d = nd - 1; d >= 0; d--) {
        idx[d]!++;
        off += stride[d]!;
        if (idx[d]! < shape[d]!) break;
        off -= stride[d]! * shape[d]!;
        idx[d] = 0;
      }
    }
  }
  return new BuiltTensor({ dtype: storage.dtype, shape, data: out });
}

const TORCH_STORAGE_BY_DTYPE: Record<TorchDType, string> = {
  float32: "FloatStorage", float64: "DoubleStorage", float16: "HalfStorage", bfloat16: "BFloat16Storage",
  int64: "LongStorage", int32: "IntStorage", int16: "ShortStorage", int8: "CharStorage", uint8: "ByteStorage", bool: "BoolStorage",
};

export interface TorchCheckpoint {
  tensors: Map<string, RawTensor>;
  /** The state dict's `_metadata` (per-module versions), when present. */
  metadata: Map<PyValue, PyValue> | null;
  /** The zip's top folder name. */
  archiveName: string;
  /** archive/version, when present. */
  version: string | null;
}

/** Read a torch.save'd state dict; every value must be a tensor. */
export function readTorchCheckpoint(bytes: Uint8Array, source = "checkpoint"): TorchCheckpoint {
  const { prefix, records } = readTorchArchive(bytes, source);
  const versionRec = records.get(".data/version") ?? records.get("version");
  const version = versionRec ? new TextDecoder().decode(versionRec).trim() : null;
  if (version !== null && !/^[1-9][0-9]*$/.test(version)) throw new TorchFileError(`${source}: archive version '${version}' is not a number`);
  if (version !== null && Number(version) > 20) throw new TorchFileError(`${source}: archive version ${version} is newer than this reader knows`);
  const byteorder = records.get("byteorder");
  if (byteorder && new TextDecoder().decode(byteorder).trim() !== "little") {
    throw new TorchFileError(`${source}: byteorder '${new TextDecoder().decode(byteorder).trim()}' is not read (only little-endian)`);
  }
  const storages = new Map<string, TorchStorage>();
  const globals = new Map<string, PyGlobal>([
    ["collections OrderedDict", ORDERED_DICT],
    ["torch._utils _rebuild_tensor_v2", pyFunction("torch._utils", "_rebuild_tensor_v2", rebuildTensor)],
    [
      "torch._utils _rebuild_parameter",
      pyFunction("torch._utils", "_rebuild_parameter", (args) => {
        if (!(args[0] instanceof BuiltTensor)) throw new TorchFileError(`_rebuild_parameter: expected a tensor, got ${pyTypeName(args[0])}`);
        return args[0];
      }),
    ],
  ]);
  for (const name of Object.values(TORCH_STORAGE_BY_DTYPE)) globals.set(`torch ${name}`, storageGlobal(name));
  const persistentLoad = (pid: PyValue): TorchStorage => {
    if (!isPyTuple(pid) || pid.length !== 5 || pid[0] !== "storage") {
      throw new TorchFileError(`${source}: persistent id ${pyTypeName(pid)} is not a ('storage', type, key, location, numel) tuple`);
    }
    const [, type, key, location, numelRaw] = pid as readonly PyValue[];
    const g = type as PyGlobal;
    const info = g && g.kind === "global" ? storageInfo(g.name) : undefined;
    if (!info) throw new TorchFileError(`${source}: storage type ${pyTypeName(type)} is not read`);
    if (typeof key !== "string") throw new TorchFileError(`${source}: storage key must be a str, got ${pyTypeName(key)}`);
    const cached = storages.get(key);
    if (cached) return cached;
    const rec = records.get(`data/${key}`);
    if (!rec) throw new TorchFileError(`${source}: storage ${key} (${info.storage}) is missing: no record ${prefix}/data/${key}`);
    const count = typeof numelRaw === "bigint" ? Number(numelRaw) : numelRaw;
    if (!Number.isSafeInteger(count) || count < 0) throw new TorchFileError(`${source}: storage ${key} has a bad element count ${String(numelRaw)}`);
    if (rec.length !== count * info.itemsize) {
      throw new TorchFileError(`${source}: storage ${prefix}/data/${key} holds ${rec.length} bytes, expected ${count} × ${info.itemsize} for ${count} ${info.dtype} elements`);
    }
    const buf = rec.slice().buffer; // aligned copy
    const s = new TorchStorage(key, info.dtype, info.make(buf, 0, count), String(location));
    storages.set(key, s);
    return s;
  };
  const pkl = records.get("data.pkl")!;
  let root: PyValue;
  try {
    root = unpickle(pkl, { globals, persistentLoad, source: `${source}: ${prefix}/data.pkl` });
  } catch (e) {
    if (e instanceof PickleError) throw new TorchFileError(e.message);
    throw e;
  }
  if (!(root instanceof Map)) throw new TorchFileError(`${source}: data.pkl holds a ${pyTypeName(root)}, expected a state dict (OrderedDict of tensors)`);
  const tensors = new Map<string, RawTensor>();
  for (const [k, v] of root) {
    if (typeof k !== "string") throw new TorchFileError(`${source}: state-dict key ${String(k)} is a ${pyTypeName(k)}, expected str`);
    if (!(v instanceof BuiltTensor)) throw new TorchFileError(`${source}: state-dict entry '${k}' holds a ${pyTypeName(v)}, expected a tensor`);
    tensors.set(k, v.tensor);
  }
  const attrs = dictAttributes.get(root);
  const md = attrs?.get("_metadata");
  return { tensors, metadata: md instanceof Map ? md : null, archiveName: prefix, version };
}

/** `torch.load(path)` of a state dict → name → tensor (docs/CONTRACTS.md §4). */
export function readTorchStateDict(bytes: Uint8Array, source = "checkpoint"): Map<string, RawTensor> {
  return readTorchCheckpoint(bytes, source).tensors;
}
