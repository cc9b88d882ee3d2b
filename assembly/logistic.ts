// One pass of binary logistic regression over a compact matrix (AssemblyScript → WebAssembly SIMD), for the L-BFGS solve
// of src/lib/ml/models/logistic-lbfgs.ts: z = c + v·x over the dense columns (f32 data, f64 arithmetic, two lanes at a
// time) plus the row's sparse entries; CE = softplus(−t·z); with gradients, ∂/∂v into gd (dense, compact order) and
// grad (sparse columns, original index), ∂/∂c into acc[3]. The same sums as the JavaScript pass, in a different order.
// Pointers are byte offsets into this instance's memory, laid out by src/lib/ml/native/logistic.ts.

// musl's log kernel (FreeBSD msun, Sun Microsystems 1993: "Permission to use, copy, modify, and distribute this software
// is freely granted, provided that this notice is preserved"): log(1 + f) = f − f²/2 + s·(f²/2 + R(s²)), s = f/(2 + f).
const LN2_HI = reinterpret<f64>(0x3FE62E42FEE00000), LN2_LO = reinterpret<f64>(0x3DEA39EF35793C76);
const LG1 = reinterpret<f64>(0x3FE5555555555593), LG2 = reinterpret<f64>(0x3FD999999997FA04);
const LG3 = reinterpret<f64>(0x3FD2492494229359), LG4 = reinterpret<f64>(0x3FCC71C51D8E78AF);
const LG5 = reinterpret<f64>(0x3FC7466496CB03DE), LG6 = reinterpret<f64>(0x3FC39A09D078C69F);
const LG7 = reinterpret<f64>(0x3FC2F112DF3E5244);
const SQRT2: f64 = 1.4142135623730951;

/**
 * log1p(e) for e in [0, 1], given u = 1 + e (rounded) and inv = 1 / u, which the pass computes anyway (the sigmoid).
 * Math.log1p branches on its argument's range, and those branches mispredict row after row here: it was a third of the
 * pass. This is the same kernel with the two cases (u ≤ √2: f = u − 1; else f = u/2 − 1, plus ln 2) picked by
 * `select`, and musl's correction for the rounding of u, (e − (u − 1)) / u, as a product with inv: within a few ulps
 * of log1p (tests/unit/logistic-kernel.test.ts allows 4, against Math.log1p).
 */
// @ts-ignore: decorator
@inline function log1pUnit(e: f64, u: f64, inv: f64): f64 {
  const high = u > SQRT2;
  const k: f64 = select<f64>(1, 0, high);
  const f = select<f64>(u * 0.5, u, high) - 1;
  const c = (e - (u - 1)) * inv;
  const hfsq = 0.5 * f * f;
  const s = f / (2.0 + f);
  const z = s * s;
  const w = z * z;
  const r = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7))) + w * (LG2 + w * (LG4 + w * LG6));
  return s * (hfsq + r) + (k * LN2_LO + c) - hfsq + f + k * LN2_HI;
}

/** Rows a block: each phase of a block runs over rows that do not wait on each other, and its rows stay in L1/L2. */
const BLOCK = 256;
/** Per block: each row's z, then (with gradients) its residual s·(σ(z) − t). */
const Z = memory.data(BLOCK << 3, 16);
const R = memory.data(BLOCK << 3, 16);

/**
 * Rows [start, end). dense: n × dd f32; rowStart: i32[n + 1]; sparseColumn: i32; sparseValue: f32; y: i32;
 * rowWeight: f32 per class or 0 (none); theta: f64 (original order, c at theta[d]); vd: f64[dd] (v at the dense
 * columns); gd: f64[dd] or 0 (no gradient); grad: f64 (original order); acc: f64[4] = Σ s·CE, Σ CE, right, ∂/∂c.
 *
 * In blocks of rows, three phases each: every row's z; every row's loss and residual; the gradient. One row done start
 * to finish is one long chain (dot product → exp → log1p → residual → gradient) that the CPU could not overlap with
 * the next row's; phase by phase, consecutive rows are independent work (with the log1p below, 6–25 % less time a
 * pass in Node on one thread, the most in the first iterations, where z is small).
 */
export function binaryPass(start: i32, end: i32, dd: i32, c: f64, dense: usize, rowStart: usize, sparseColumn: usize, sparseValue: usize, y: usize, rowWeight: usize, theta: usize, vd: usize, gd: usize, grad: usize, acc: usize): void {
  const pairs = dd >> 1;
  let weighted: f64 = 0, loss: f64 = 0, right: f64 = 0, gBias: f64 = 0;
  for (let b = start; b < end; b += BLOCK) {
    const e0 = min(end, b + BLOCK);
    // z = c + v·x (dense, two lanes at a time) + the row's sparse entries.
    for (let i = b; i < e0; i++) {
      const row = dense + (<usize>i * <usize>dd << 2);
      let z2 = f64x2.splat(0);
      for (let j = 0; j < pairs; j++) {
        const x = f64x2.promote_low_f32x4(v128.load64_zero(row + (<usize>j << 3)));
        z2 = f64x2.add(z2, f64x2.mul(x, v128.load(vd + (<usize>j << 4))));
      }
      let z = c + f64x2.extract_lane(z2, 0) + f64x2.extract_lane(z2, 1);
      if (dd & 1) z += <f64>load<f32>(row + (<usize>(dd - 1) << 2)) * load<f64>(vd + (<usize>(dd - 1) << 3));
      const p1 = load<i32>(rowStart + (<usize>(i + 1) << 2));
      for (let p = load<i32>(rowStart + (<usize>i << 2)); p < p1; p++)
        z += <f64>load<f32>(sparseValue + (<usize>p << 2)) * load<f64>(theta + (<usize>load<i32>(sparseColumn + (<usize>p << 2)) << 3));
      store<f64>(Z + (<usize>(i - b) << 3), z);
    }
    // CE = softplus(−t·z) = max(margin, 0) + log1p(e^−|z|); residual s·(σ(z) − y).
    for (let i = b; i < e0; i++) {
      const z = load<f64>(Z + (<usize>(i - b) << 3));
      const yi = load<i32>(y + (<usize>i << 2));
      const s: f64 = rowWeight ? <f64>load<f32>(rowWeight + (<usize>yi << 2)) : 1;
      const margin = select<f64>(-z, z, yi == 1);
      const e = Math.exp(-Math.abs(z));
      const u = 1 + e;
      const inv = 1 / u;
      const ce = max<f64>(margin, 0) + log1pUnit(e, u, inv);
      weighted += s * ce;
      loss += ce;
      right += <f64>(<i32>(z > 0) == yi);
      store<f64>(R + (<usize>(i - b) << 3), s * (select<f64>(inv, e * inv, z >= 0) - <f64>yi));
    }
    if (!gd) continue;
    for (let i = b; i < e0; i++) {
      const r = load<f64>(R + (<usize>(i - b) << 3));
      const row = dense + (<usize>i * <usize>dd << 2);
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
      const p1 = load<i32>(rowStart + (<usize>(i + 1) << 2));
      for (let p = load<i32>(rowStart + (<usize>i << 2)); p < p1; p++) {
        const at = grad + (<usize>load<i32>(sparseColumn + (<usize>p << 2)) << 3);
        store<f64>(at, load<f64>(at) + r * <f64>load<f32>(sparseValue + (<usize>p << 2)));
      }
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
