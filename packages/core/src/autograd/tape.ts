// Reverse-mode autograd (micrograd style): ops record a node when gradients are
// enabled and an input requires them; backward() walks the nodes in reverse
// topological order and accumulates gradients into the leaves' `.grad`.
import { Tensor } from "../tensor/tensor.js";
import { describeTensor, ShapeError, DTypeError } from "../tensor/errors.js";
import { fmtShape, shapesEqual } from "../tensor/shape.js";
import { hooks } from "../tensor/hooks.js";
import { isGradEnabled, noGrad } from "./grad-mode.js";
import type { TapeNode } from "./node.js";
import { runKernel } from "../registry/registry.js";

/** Whether an op on these inputs should be recorded. */
export function needsGrad(inputs: readonly (Tensor | null | undefined)[]): boolean {
  if (!isGradEnabled()) return false;
  for (const t of inputs) if (t && t.requiresGrad) return true;
  return false;
}

/**
 * Records `outputs = op(inputs)` on the tape when needed; `backward` gets one
 * gradient per output (null where none flowed) and returns one per input.
 */
export function record(
  name: string,
  inputs: Tensor[],
  outputs: Tensor[],
  backward: (gradOutputs: (Tensor | null)[]) => (Tensor | null)[],
): void {
  if (!needsGrad(inputs)) return;
  const node: TapeNode = {
    name,
    inputs,
    outputs: outputs.map((o) => ({ shape: o.shape, dtype: o.dtype, device: o.device })),
    backward,
  };
  outputs.forEach((o, i) => {
    o._node = node;
    o._outputIndex = i;
    (o as unknown as { _requiresGrad: boolean })._requiresGrad = true;
  });
}

function addInto(a: Tensor, b: Tensor): Tensor {
  return runKernel("add", [a, b], {}) as Tensor;
}

/** A leaf's .grad owns its buffer (gradients flowing back may be shared views), so optimizers may edit it in place. */
function ownedCopy(g: Tensor): Tensor {
  return new Tensor(g.data.slice(), g.shape, g.device);
}

function checkGrad(node: TapeNode, i: number, g: Tensor): void {
  const x = node.inputs[i];
  if (!shapesEqual(g.shape, x.shape)) {
    throw new ShapeError(`backward of '${node.name}': gradient for input ${i} has shape ${fmtShape(g.shape)}, expected ${fmtShape(x.shape)} (input ${describeTensor(x)})`);
  }
  if (g.dtype !== x.dtype) {
    throw new DTypeError(`backward of '${node.name}': gradient for input ${i} is ${g.dtype}, expected ${x.dtype}`);
  }
}

/** Nodes reachable from `root`, in reverse topological order (outputs before inputs). Iterative: long chains are fine. */
function topoNodes(root: Tensor): TapeNode[] {
  const order: TapeNode[] = [];
  const seen = new Set<TapeNode>();
  if (!root._node) return order;
  const stack: { node: TapeNode; next: number }[] = [{ node: root._node, next: 0 }];
  seen.add(root._node);
  while (stack.length) {
    const top = stack[stack.length - 1];
    if (top.next < top.node.inputs.length) {
      const inp = top.node.inputs[top.next++];
      const n = inp._node;
      if (n && !seen.has(n)) {
        seen.add(n);
        stack.push({ node: n, next: 0 });
      }
    } else {
      order.push(top.node);
      stack.pop();
    }
  }
  return order.reverse();
}

export function backward(root: Tensor, grad?: Tensor): void {
  if (!root.requiresGrad) {
    throw new Error(`backward() on ${describeTensor(root)} which does not require grad (no input had requiresGrad, or it was computed under noGrad)`);
  }
  let seed: Tensor;
  if (grad === undefined) {
    if (root.size !== 1) throw new ShapeError(`backward() without a gradient needs a one-element tensor, got ${describeTensor(root)}`);
    seed = new Tensor(root.dtype === "float64" ? new Float64Array(1).fill(1) : new Float32Array(1).fill(1), root.shape, root.device);
  } else {
    if (!shapesEqual(grad.shape, root.shape) || grad.dtype !== root.dtype) {
      throw new ShapeError(`backward(grad): grad ${describeTensor(grad)} does not match ${describeTensor(root)}`);
    }
    seed = grad;
  }
  noGrad(() => {
    if (!root._node) {
      root.grad = root.grad ? addInto(root.grad, seed) : ownedCopy(seed);
      return;
    }
    // gradient per (node, output index) for non-leaf tensors
    const grads = new Map<TapeNode, (Tensor | null)[]>();
    const put = (t: Tensor, g: Tensor) => {
      if (!t.requiresGrad) return;
      if (!t._node) {
        t.grad = t.grad ? addInto(t.grad, g) : ownedCopy(g);
        return;
      }
      let slot = grads.get(t._node);
      if (!slot) {
        slot = new Array(t._node.outputs.length).fill(null);
        grads.set(t._node, slot);
      }
      const prev = slot[t._outputIndex];
      slot[t._outputIndex] = prev ? addInto(prev, g) : g;
    };
    put(root, seed);
    for (const node of topoNodes(root)) {
      const gOut = grads.get(node);
      if (!gOut) continue;
      grads.delete(node);
      const gIn = node.backward(gOut);
      if (!Array.isArray(gIn) || gIn.length !== node.inputs.length) {
        throw new Error(`backward of '${node.name}' returned ${Array.isArray(gIn) ? gIn.length : typeof gIn} gradients, expected ${node.inputs.length} (one per input, null for none)`);
      }
      gIn.forEach((g, i) => {
        if (g === null || g === undefined) return;
        checkGrad(node, i, g);
        put(node.inputs[i], g);
      });
    }
  });
}

hooks.backward = backward;
