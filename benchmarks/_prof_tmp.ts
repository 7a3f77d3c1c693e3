import { elmNetworkBackward, elmNetworkForward, mlpLayerDims, type ElmNetworkShape } from "/work/wt-net2/packages/elm-model/src/kernels/network.js";
const shape: ElmNetworkShape = { B: 8, T: 1000, dIn: 700, N: 64, dTree: 8, dBrch: 8, dM: 16, dMlp: 32, lMlp: 1, dAxon: 1, activation: "relu" };
let s = 1;
const rnd = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32 - 0.5; };
const f = (n: number, sc: number, off = 0) => Float32Array.from({ length: n }, () => off + sc * rnd());
const { B, T, dIn, N, dTree, dBrch, dM, dAxon } = shape; const kc = dTree * dBrch;
const inp = {
  x: Float32Array.from({ length: B * T * dIn }, () => (rnd() > 0.45 ? 1 : 0)),
  src: Int32Array.from({ length: N * kc }, (_, q) => q % 2 === 0 ? Math.floor((rnd() + 0.5) * dIn) % dIn : dIn + (Math.floor((rnd() + 0.5) * N * dAxon) % (N * dAxon))),
  w: f(N * kc, 2 * Math.sqrt(3 / dBrch)), kappaB: f(N * dTree, 0.2, 0.8), kappaM: f(N * dM, 0.2, 0.85), gain: f(N * dM, 0.2, 0.2),
  mlpW: mlpLayerDims(shape).map((d) => f(N * d.out * d.in, 2 / Math.sqrt(d.in))), mlpB: mlpLayerDims(shape).map((d) => f(N * d.out, 2 / Math.sqrt(d.in))),
  wY: f(N * dAxon * dM, 2 / Math.sqrt(dM)), bY: f(N * dAxon, 0.2), b0: null, m0: null, y0: null,
};
const dY = Float32Array.from({ length: B * T * N * dAxon }, (_, q) => ((q * 7919) % 13) / 13 - 0.5);
const reps = Number(process.env.REPS ?? 6);
for (let k = 0; k < reps; k++) {
  const c0 = process.cpuUsage(); const t0 = performance.now();
  const r = elmNetworkForward(shape, inp, "cpu");
  const t1 = performance.now();
  elmNetworkBackward(shape, inp, r.saved, dY, null, null, null, "cpu", { inputGrad: false });
  const t2 = performance.now(); const c = process.cpuUsage(c0);
  console.log(`fwd ${(t1 - t0).toFixed(1)} bwd ${(t2 - t1).toFixed(1)} total ${(t2 - t0).toFixed(1)} cpu/2 ${((c.user + c.system) / 2000).toFixed(1)}`);
}
