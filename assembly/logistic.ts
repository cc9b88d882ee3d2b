// One pass of binary logistic regression over a compact matrix (AssemblyScript → WebAssembly SIMD), for the L-BFGS solve
// of src/lib/ml/models/logistic-lbfgs.ts: z = c + v·x over the dense columns (f32 data, f64 arithmetic, two lanes at a
// time) plus the row's sparse entries; CE = softplus(−t·z); with gradients, ∂/∂v into gd (dense, compact order) and
// grad (sparse columns, original index), ∂/∂c into acc[3]. The same sums as the JavaScript pass, in a different order.
// Pointers are byte offsets into this instance's memory, laid out by src/lib/ml/native/logistic.ts.

/**
 * Rows [start, end). dense: n × dd f32; rowStart: i32[n + 1]; sparseColumn: i32; sparseValue: f32; y: i32;
 * rowWeight: f32 per class or 0 (none); theta: f64 (original order, c at theta[d]); vd: f64[dd] (v at the dense
 * columns); gd: f64[dd] or 0 (no gradient); grad: f64 (original order); acc: f64[4] = Σ s·CE, Σ CE, right, ∂/∂c.
 */
export function binaryPass(start: i32, end: i32, dd: i32, c: f64, dense: usize, rowStart: usize, sparseColumn: usize, sparseValue: usize, y: usize, rowWeight: usize, theta: usize, vd: usize, gd: usize, grad: usize, acc: usize): void {
  const pairs = dd >> 1;
  let weighted: f64 = 0, loss: f64 = 0, right: f64 = 0, gBias: f64 = 0;
  for (let i = start; i < end; i++) {
    const row = dense + (<usize>i * <usize>dd << 2);
    let z2 = f64x2.splat(0);
    for (let j = 0; j < pairs; j++) {
      const x = f64x2.promote_low_f32x4(v128.load64_zero(row + (<usize>j << 3)));
      z2 = f64x2.add(z2, f64x2.mul(x, v128.load(vd + (<usize>j << 4))));
    }
    let z = c + f64x2.extract_lane(z2, 0) + f64x2.extract_lane(z2, 1);
    if (dd & 1) z += <f64>load<f32>(row + (<usize>(dd - 1) << 2)) * load<f64>(vd + (<usize>(dd - 1) << 3));
    const p0 = load<i32>(rowStart + (<usize>i << 2));
    const p1 = load<i32>(rowStart + (<usize>(i + 1) << 2));
    for (let p = p0; p < p1; p++)
      z += <f64>load<f32>(sparseValue + (<usize>p << 2)) * load<f64>(theta + (<usize>load<i32>(sparseColumn + (<usize>p << 2)) << 3));
    const yi = load<i32>(y + (<usize>i << 2));
    const s: f64 = rowWeight ? <f64>load<f32>(rowWeight + (<usize>yi << 2)) : 1;
    const margin = yi == 1 ? -z : z;
    const e = Math.exp(-Math.abs(z));
    const ce = (margin > 0 ? margin : 0) + Math.log1p(e);
    weighted += s * ce;
    loss += ce;
    if ((z > 0 ? 1 : 0) == yi) right += 1;
    if (!gd) continue;
    const r = s * ((z >= 0 ? 1 / (1 + e) : e / (1 + e)) - <f64>yi);
    gBias += r;
    const r2 = f64x2.splat(r);
    for (let j = 0; j < pairs; j++) {
      const x = f64x2.promote_low_f32x4(v128.load64_zero(row + (<usize>j << 3)));
      const at = gd + (<usize>j << 4);
      v128.store(at, f64x2.add(v128.load(at), f64x2.mul(r2, x)));
    }
    if (dd & 1) {
      const at = gd + (<usize>(dd - 1) << 3);
      store<f64>(at, load<f64>(at) + r * <f64>load<f32>(row + (<usize>(dd - 1) << 2)));
    }
    for (let p = p0; p < p1; p++) {
      const at = grad + (<usize>load<i32>(sparseColumn + (<usize>p << 2)) << 3);
      store<f64>(at, load<f64>(at) + r * <f64>load<f32>(sparseValue + (<usize>p << 2)));
    }
  }
  store<f64>(acc, load<f64>(acc) + weighted);
  store<f64>(acc + 8, load<f64>(acc + 8) + loss);
  store<f64>(acc + 16, load<f64>(acc + 16) + right);
  store<f64>(acc + 24, load<f64>(acc + 24) + gBias);
}

export function heapBase(): usize {
  return __heap_base;
}
