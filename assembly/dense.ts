// Enclave's dense-network training kernels (AssemblyScript → WebAssembly SIMD). One call trains a run of mini-batches
// of a fully connected network (gather → forward → loss → backward → L2 → Adam/SGD) with the weights resident in this
// instance's memory, so a step costs a handful of calls into register-blocked matrix products instead of ~120 tfjs
// kernels. The JS side (src/lib/ml/native/dense.ts) lays out memory and owns shuffling and early stopping.
// Row-major f32 everywhere; pointers are byte offsets. Built by scripts/build-wasm.ts (plain SIMD and relaxed-SIMD FMA).

// ---------- matrix product ----------

// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  return f32x4.add(c, f32x4.mul(a, b)); // MADD
}

// One cell of C (the edges the 4×8 blocks leave, e.g. a 2-class output layer). Four partial sums, not one: a single
// running sum waits on each add's latency, which made these few cells a quarter of a step's time.
// @ts-ignore: decorator
@inline function cell(A: usize, rA: usize, cA: usize, B: usize, lb: usize, C: usize, lc: usize, i: i32, j: i32, K: i32, acc: i32): void {
  let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
  let pa = A + <usize>i * rA, pb = B + (<usize>j << 2);
  let p = 0;
  for (; p + 4 <= K; p += 4) {
    s0 += load<f32>(pa) * load<f32>(pb);
    s1 += load<f32>(pa + cA) * load<f32>(pb + lb);
    s2 += load<f32>(pa + 2 * cA) * load<f32>(pb + 2 * lb);
    s3 += load<f32>(pa + 3 * cA) * load<f32>(pb + 3 * lb);
    pa += 4 * cA;
    pb += 4 * lb;
  }
  for (; p < K; p++) {
    s0 += load<f32>(pa) * load<f32>(pb);
    pa += cA;
    pb += lb;
  }
  const s = (s0 + s1) + (s2 + s3);
  const pc = C + <usize>i * lc + (<usize>j << 2);
  store<f32>(pc, acc ? load<f32>(pc) + s : s);
}

/** C[M×N] (+)= A(M×K)·B(K×N), A(i,p) = A[i·rsA + p·csA] (so Aᵀ is a stride swap), B and C row-major. 4×8 blocks. */
export function gemm(A: usize, rsA: i32, csA: i32, B: usize, ldb: i32, C: usize, ldc: i32, M: i32, N: i32, K: i32, acc: i32): void {
  const rA = <usize>rsA << 2, cA = <usize>csA << 2, lb = <usize>ldb << 2, lc = <usize>ldc << 2;
  let i = 0;
  for (; i + 4 <= M; i += 4) {
    const a0 = A + <usize>i * rA;
    const c0 = C + <usize>i * lc;
    let j = 0;
    for (; j + 8 <= N; j += 8) {
      let x00 = f32x4.splat(0), x01 = f32x4.splat(0), x10 = f32x4.splat(0), x11 = f32x4.splat(0);
      let x20 = f32x4.splat(0), x21 = f32x4.splat(0), x30 = f32x4.splat(0), x31 = f32x4.splat(0);
      let pa = a0, pb = B + (<usize>j << 2);
      for (let p = 0; p < K; p++) {
        const b0 = v128.load(pb), b1 = v128.load(pb, 16);
        let s = v128.load32_splat(pa);
        x00 = madd(s, b0, x00); x01 = madd(s, b1, x01);
        s = v128.load32_splat(pa + rA);
        x10 = madd(s, b0, x10); x11 = madd(s, b1, x11);
        s = v128.load32_splat(pa + 2 * rA);
        x20 = madd(s, b0, x20); x21 = madd(s, b1, x21);
        s = v128.load32_splat(pa + 3 * rA);
        x30 = madd(s, b0, x30); x31 = madd(s, b1, x31);
        pa += cA;
        pb += lb;
      }
      const pc = c0 + (<usize>j << 2);
      if (acc) {
        x00 = f32x4.add(x00, v128.load(pc)); x01 = f32x4.add(x01, v128.load(pc, 16));
        x10 = f32x4.add(x10, v128.load(pc + lc)); x11 = f32x4.add(x11, v128.load(pc + lc, 16));
        x20 = f32x4.add(x20, v128.load(pc + 2 * lc)); x21 = f32x4.add(x21, v128.load(pc + 2 * lc, 16));
        x30 = f32x4.add(x30, v128.load(pc + 3 * lc)); x31 = f32x4.add(x31, v128.load(pc + 3 * lc, 16));
      }
      v128.store(pc, x00); v128.store(pc, x01, 16);
      v128.store(pc + lc, x10); v128.store(pc + lc, x11, 16);
      v128.store(pc + 2 * lc, x20); v128.store(pc + 2 * lc, x21, 16);
      v128.store(pc + 3 * lc, x30); v128.store(pc + 3 * lc, x31, 16);
    }
    for (; j < N; j++) for (let r = 0; r < 4; r++) cell(A, rA, cA, B, lb, C, lc, i + r, j, K, acc);
  }
  for (; i < M; i++) for (let j = 0; j < N; j++) cell(A, rA, cA, B, lb, C, lc, i, j, K, acc);
}

// ---------- configuration (set once per training run by configure / configureLayer) ----------

const RELU = 0, TANH = 1, SIGMOID = 2;
let layers = 0; // number of weight layers
let activation = RELU;
let softmaxOut = 1; // 1: softmax cross-entropy on class labels; 0: squared error on a standardised target
let classes = 1; // output width
let dropRate: f32 = 0;
let adam = 1;
let lr: f32 = 0.001;
let l2x2: f32 = 0; // 2·l2: the gradient of l2·Σw²
let params = 0; // length of theta
let theta: usize = 0, grad: usize = 0, mom1: usize = 0, mom2: usize = 0;
let step = 0; // Adam's t
let b1t: f64 = 1, b2t: f64 = 1; // β1^t, β2^t
let deltaA: usize = 0, deltaB: usize = 0, wt: usize = 0; // backward scratch
let batchY: usize = 0; // the batch's labels (i32) or targets (f32)
let classWeight: usize = 0; // f32 per class, or 0
let rngA: u32 = 1, rngB: u32 = 2, rngC: u32 = 3, rngD: u32 = 4;
let lossSum: f64 = 0, metricSum: f64 = 0;

// Per layer l (0-based): width of its input, kernel/bias and their gradient pointers, its input activation buffer H_l
// (H_0 is the gathered batch), dropout scale buffer. Kept in small tables in memory.
const MAX_LAYERS = 20; // ≥ 16 hidden layers (the spec's limit) + the output layer
let table: usize = 0; // MAX_LAYERS+1 i32 widths, then 7 usize tables of MAX_LAYERS+1

// @ts-ignore: decorator
@inline function width(l: i32): i32 { return load<i32>(table + (<usize>l << 2)); }
// @ts-ignore: decorator
@inline function slot(kind: i32, l: i32): usize { return load<usize>(table + <usize>((MAX_LAYERS + 1) * (kind + 1) + l) * 4); }
const KERNEL = 0, BIAS = 1, GKERNEL = 2, GBIAS = 3, H = 4, MASK = 5;

export function heapBase(): usize { return __heap_base; }
export function maxLayers(): i32 { return MAX_LAYERS; }

/** Global settings. `tablePtr` points at (MAX_LAYERS+1)·7 words the caller fills (widths, then pointer tables). */
export function configure(tablePtr: usize, nLayers: i32, act: i32, softmax: i32, k: i32, rate: f32, useAdam: i32, learningRate: f32, l2: f32,
  thetaPtr: usize, gradPtr: usize, m1: usize, m2: usize, nParams: i32, dA: usize, dB: usize, wtPtr: usize, yPtr: usize, cw: usize): void {
  table = tablePtr; layers = nLayers; activation = act; softmaxOut = softmax; classes = k; dropRate = rate; adam = useAdam;
  lr = learningRate; l2x2 = 2 * l2; theta = thetaPtr; grad = gradPtr; mom1 = m1; mom2 = m2; params = nParams;
  deltaA = dA; deltaB = dB; wt = wtPtr; batchY = yPtr; classWeight = cw; step = 0; b1t = 1; b2t = 1;
}

/** sfc32, seeded per epoch by the caller's seeded PRNG (dropout masks). */
export function seed(a: u32, b: u32, c: u32, d: u32): void {
  rngA = a; rngB = b; rngC = c; rngD = d;
  for (let i = 0; i < 12; i++) nextU32();
}
// @ts-ignore: decorator
@inline function nextU32(): u32 {
  const t = rngA + rngB + rngD;
  rngD++;
  rngA = rngB ^ (rngB >>> 9);
  rngB = rngC + (rngC << 3);
  rngC = (rngC << 21) | (rngC >>> 11);
  rngC += t;
  return t;
}

export function resetSums(): void { lossSum = 0; metricSum = 0; }
export function getLoss(): f64 { return lossSum; }
export function getMetric(): f64 { return metricSum; }

// ---------- forward ----------

/** H_{l+1} = act(H_l·W_l + b_l) (dropout on hidden layers when training) for `rows` rows; the last layer is linear. */
function forward(rows: i32, training: i32): void {
  for (let l = 0; l < layers; l++) {
    const fin = width(l), fout = width(l + 1);
    const h = slot(H, l), out = slot(H, l + 1), bias = slot(BIAS, l);
    gemm(h, fin, 1, slot(KERNEL, l), fout, out, fout, rows, fout, fin, 0);
    const last = l == layers - 1;
    const drop = !last && training && dropRate > 0;
    const mask = slot(MASK, l + 1);
    const keep: f32 = 1 - dropRate, scale: f32 = 1 / (1 - dropRate);
    for (let r = 0; r < rows; r++) {
      const row = out + <usize>(r * fout) * 4;
      let j = 0;
      if (last || activation == RELU) {
        const zero = f32x4.splat(0);
        for (; j + 4 <= fout; j += 4) {
          let z = f32x4.add(v128.load(row + (<usize>j << 2)), v128.load(bias + (<usize>j << 2)));
          if (!last) z = f32x4.max(z, zero);
          v128.store(row + (<usize>j << 2), z);
        }
        for (; j < fout; j++) {
          let z = load<f32>(row + (<usize>j << 2)) + load<f32>(bias + (<usize>j << 2));
          if (!last && z < 0) z = 0;
          store<f32>(row + (<usize>j << 2), z);
        }
      } else {
        for (; j < fout; j++) {
          const z = load<f32>(row + (<usize>j << 2)) + load<f32>(bias + (<usize>j << 2));
          store<f32>(row + (<usize>j << 2), activation == TANH ? Mathf.tanh(z) : 1 / (1 + Mathf.exp(-z)));
        }
      }
      if (drop) {
        const mrow = mask + <usize>(r * fout) * 4;
        for (let c = 0; c < fout; c++) {
          // keep with probability 1 − rate, scaled by 1/(1 − rate) (inverted dropout, as tf.dropout)
          const u = <f32>(nextU32() >>> 8) * (1.0 / 16777216.0);
          const s: f32 = u < keep ? scale : 0;
          store<f32>(mrow + (<usize>c << 2), s);
          store<f32>(row + (<usize>c << 2), load<f32>(row + (<usize>c << 2)) * s);
        }
      }
    }
  }
}

// ---------- loss ----------

/**
 * Adds the batch's loss and metric sums (cross-entropy weighted by class and correct answers; or squared error twice)
 * and, when `delta` is not 0, writes ∂(loss sum / divisor)/∂output into it.
 */
function outputLoss(rows: i32, y: usize, delta: usize, divisor: f32, weighted: i32): void {
  const out = slot(H, layers);
  const k = classes;
  for (let r = 0; r < rows; r++) {
    const z = out + <usize>(r * k) * 4;
    if (softmaxOut) {
      const label = load<i32>(y + (<usize>r << 2));
      let max = load<f32>(z), arg = 0;
      for (let j = 1; j < k; j++) {
        const v = load<f32>(z + (<usize>j << 2));
        if (v > max) { max = v; arg = j; }
      }
      let sum: f32 = 0;
      for (let j = 0; j < k; j++) sum += Mathf.exp(load<f32>(z + (<usize>j << 2)) - max);
      const lse = max + Mathf.log(sum);
      const w: f32 = weighted && classWeight ? load<f32>(classWeight + (<usize>label << 2)) : 1;
      lossSum += <f64>(w * (lse - load<f32>(z + (<usize>label << 2))));
      if (arg == label) metricSum += 1;
      if (delta) {
        const g = w / divisor;
        for (let j = 0; j < k; j++) {
          const p = Mathf.exp(load<f32>(z + (<usize>j << 2)) - lse);
          store<f32>(delta + <usize>(r * k + j) * 4, g * (p - (j == label ? <f32>1 : <f32>0)));
        }
      }
    } else {
      const e = load<f32>(z) - load<f32>(y + (<usize>r << 2));
      lossSum += <f64>(e * e);
      metricSum += <f64>(e * e);
      if (delta) store<f32>(delta + <usize>r * 4, 2 * e / divisor);
    }
  }
}

// ---------- backward and update ----------

function backward(rows: i32): void {
  let delta = deltaA, next = deltaB;
  for (let l = layers - 1; l >= 0; l--) {
    const fin = width(l), fout = width(l + 1);
    const h = slot(H, l);
    // dW = H_lᵀ·δ (a stride swap, no copy), db = Σ_rows δ
    gemm(h, 1, fin, delta, fout, slot(GKERNEL, l), fout, fin, fout, rows, 0);
    const gb = slot(GBIAS, l);
    memory.fill(gb, 0, <usize>fout << 2);
    for (let r = 0; r < rows; r++) {
      const dr = delta + <usize>(r * fout) * 4;
      let j = 0;
      for (; j + 4 <= fout; j += 4) v128.store(gb + (<usize>j << 2), f32x4.add(v128.load(gb + (<usize>j << 2)), v128.load(dr + (<usize>j << 2))));
      for (; j < fout; j++) store<f32>(gb + (<usize>j << 2), load<f32>(gb + (<usize>j << 2)) + load<f32>(dr + (<usize>j << 2)));
    }
    if (l == 0) break;
    // δ_prev = (δ·W_lᵀ) ⊙ dropout scale ⊙ act'(·): Wᵀ copied once (small) so the product runs on contiguous rows.
    const W = slot(KERNEL, l);
    for (let a = 0; a < fin; a++) for (let b = 0; b < fout; b++) store<f32>(wt + <usize>(b * fin + a) * 4, load<f32>(W + <usize>(a * fout + b) * 4));
    gemm(delta, fout, 1, wt, fin, next, fin, rows, fin, fout, 0);
    const drop = dropRate > 0;
    const mask = slot(MASK, l);
    const total = rows * fin;
    if (activation == RELU && !drop) {
      const zero = f32x4.splat(0);
      let i = 0;
      for (; i + 4 <= total; i += 4) {
        const o = <usize>i << 2;
        v128.store(next + o, v128.and(v128.load(next + o), f32x4.gt(v128.load(h + o), zero)));
      }
      for (; i < total; i++) if (load<f32>(h + (<usize>i << 2)) <= 0) store<f32>(next + (<usize>i << 2), 0);
    } else {
      for (let i = 0; i < total; i++) {
        const o = <usize>i << 2;
        const s: f32 = drop ? load<f32>(mask + o) : 1;
        if (s == 0) { store<f32>(next + o, 0); continue; }
        const a = load<f32>(h + o) / s; // the activation before dropout
        const d: f32 = activation == RELU ? (a > 0 ? 1 : 0) : activation == TANH ? 1 - a * a : a * (1 - a);
        store<f32>(next + o, load<f32>(next + o) * s * d);
      }
    }
    const t = delta;
    delta = next;
    next = t;
  }
}

/** L2 on kernels (as Keras' kernel_regularizer), then θ ← θ − Adam/SGD step of the gradient. */
function update(): void {
  if (l2x2 > 0) {
    const c = f32x4.splat(l2x2);
    for (let l = 0; l < layers; l++) {
      const w = slot(KERNEL, l), g = slot(GKERNEL, l);
      const n = width(l) * width(l + 1);
      let i = 0;
      for (; i + 4 <= n; i += 4) { const o = <usize>i << 2; v128.store(g + o, madd(c, v128.load(w + o), v128.load(g + o))); }
      for (; i < n; i++) { const o = <usize>i << 2; store<f32>(g + o, load<f32>(g + o) + l2x2 * load<f32>(w + o)); }
    }
  }
  const n = params;
  if (!adam) {
    const c = f32x4.splat(lr);
    let i = 0;
    for (; i + 4 <= n; i += 4) { const o = <usize>i << 2; v128.store(theta + o, f32x4.sub(v128.load(theta + o), f32x4.mul(v128.load(grad + o), c))); }
    for (; i < n; i++) { const o = <usize>i << 2; store<f32>(theta + o, load<f32>(theta + o) - load<f32>(grad + o) * lr); }
    return;
  }
  // As the tfjs loop (and Keras): m̂ = m/(1 − β1^t), v̂ = v/(1 − β2^t), θ −= lr·m̂ / (√v̂ + ε), ε = 1e-7.
  step++;
  b1t *= 0.9;
  b2t *= 0.999;
  const b1 = f32x4.splat(0.9), b1c = f32x4.splat(0.1), b2 = f32x4.splat(0.999), b2c = f32x4.splat(0.001);
  const lrT = f32x4.splat(<f32>(<f64>lr / (1 - b1t))), vScale = f32x4.splat(<f32>(1 / (1 - b2t))), eps = f32x4.splat(1e-7);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const g = v128.load(grad + o);
    const m = f32x4.add(f32x4.mul(v128.load(mom1 + o), b1), f32x4.mul(g, b1c));
    const v = f32x4.add(f32x4.mul(v128.load(mom2 + o), b2), f32x4.mul(f32x4.mul(g, g), b2c));
    v128.store(mom1 + o, m);
    v128.store(mom2 + o, v);
    const s = f32x4.div(f32x4.mul(m, lrT), f32x4.add(f32x4.sqrt(f32x4.mul(v, vScale)), eps));
    v128.store(theta + o, f32x4.sub(v128.load(theta + o), s));
  }
  const lrS = <f32>(<f64>lr / (1 - b1t)), vS = <f32>(1 / (1 - b2t));
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const g = load<f32>(grad + o);
    const m = load<f32>(mom1 + o) * 0.9 + g * 0.1;
    const v = load<f32>(mom2 + o) * 0.999 + g * g * 0.001;
    store<f32>(mom1 + o, m);
    store<f32>(mom2 + o, v);
    store<f32>(theta + o, load<f32>(theta + o) - (m * lrS) / (Mathf.sqrt(v * vS) + 1e-7));
  }
}

// ---------- entry points ----------

/** Copy rows order[from..from+rows) of X (d columns) into H_0 and their labels/targets into the batch buffer. */
function gather(X: usize, y: usize, order: usize, from: i32, rows: i32): void {
  const d = width(0);
  const h0 = slot(H, 0);
  const bytes = <usize>d << 2;
  for (let r = 0; r < rows; r++) {
    const src = <usize>load<i32>(order + (<usize>(from + r) << 2));
    memory.copy(h0 + <usize>r * bytes, X + src * bytes, bytes);
    store<u32>(batchY + (<usize>r << 2), load<u32>(y + (src << 2)));
  }
}

/** Train on the batches that start at from, from+batch, … below `to` (of n shuffled rows); sums accumulate. */
export function trainBatches(X: usize, y: usize, order: usize, n: i32, batch: i32, from: i32, to: i32): void {
  for (let start = from; start < to; start += batch) {
    const rows = min(batch, n - start);
    gather(X, y, order, start, rows);
    forward(rows, 1);
    outputLoss(rows, batchY, deltaA, <f32>rows, 1);
    backward(rows);
    update();
  }
}

/** Loss and metric sums (unweighted, no dropout) of rows [from, to) of X, `chunk` rows at a time. */
export function score(X: usize, y: usize, from: i32, to: i32, chunk: i32): void {
  const d = width(0);
  const h0 = slot(H, 0);
  for (let start = from; start < to; start += chunk) {
    const rows = min(chunk, to - start);
    memory.copy(h0, X + <usize>start * <usize>d * 4, <usize>(rows * d) << 2);
    forward(rows, 0);
    outputLoss(rows, y + (<usize>start << 2), 0, 1, 0);
  }
}
