// Quick start for @elm/model: build a Branch-ELM, train one step, stream it,
// count parameters, and save / load a state dict. Run from packages/elm-model:
//   pnpm exec tsx --conditions=@elm/source examples/quickstart.ts
import { Rng, Tensor, mul, randNormal, sum, noGrad, saveSafetensors, loadSafetensors } from "@elm/core";
import { BranchElm, ElmNetwork } from "@elm/model";

// The authors' constructor arguments, under their names (camelCase works too).
const model = new BranchElm(
  { num_input: 20, num_output: 2, num_memory: 10, num_branch: 5, num_synapse_per_branch: 6, input_to_synapse_routing: "neuronio_routing" },
  { seed: 0, dtype: "float32", device: "cpu" },
);
console.log("trainable parameters:", model.parameterCount(), model.namedParameters().map(([n]) => n).join(", "));

// One fused op per sequence forward; BPTT through it on backward.
const x = randNormal([4, 100, 20], new Rng(1), 0, 1, { device: "cpu" });
const y = model.forward(x); // [4, 100, 2]
const loss = sum(mul(y, y));
loss.backward();
noGrad(() => {
  for (const p of model.parameters()) p.data.forEach((v, i) => (p.data[i] = v - 1e-3 * p.grad!.data[i]));
});
console.log("loss", loss.item().toFixed(4), "d loss/d _proto_w_s has", model.stateDict()._proto_w_s.grad?.size, "entries");

// Streaming: one step at a time, carrying the state.
let state = null;
for (let t = 0; t < 3; t++) {
  const xt = Tensor.fromArray(x.data.subarray(t * 20, t * 20 + 20), [1, 20], { device: "cpu" });
  ({ state } = model.step(xt, state));
}

// State dicts use the authors' keys and round-trip through safetensors.
saveSafetensors("/tmp/branch_elm.safetensors", model.stateDict());
const again = new BranchElm(model.describe(), { device: "cpu" });
again.loadStateDict(loadSafetensors("/tmp/branch_elm.safetensors").tensors);

// An ELM Network of 32 neurons: P = N·(k_c + k_e) + (N·d_axon + 1)·d_out.
const net = new ElmNetwork({ num_input: 20, num_output: 10, num_neurons: 32, num_branch: 4, num_synapse_per_branch: 8, num_memory: 8 }, { device: "cpu" });
console.log("network: k_c", net.kC, "k_e", net.kE, "P", net.parameterCount(), "o", net.forward(x).shape);
