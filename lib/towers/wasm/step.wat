;; The two-tower training step with 128-bit SIMD (f32x4), in float32: row
;; gathers into tower vectors, the scores of each user against its positive
;; and its sampled negatives, the backward pass to the tower vectors, the
;; scatter-add of their gradients into the tables' gradients, and dense Adam
;; or SGD over whole tables (the update TF.js's and PyTorch's optimisers make,
;; rows without a gradient included). Rows hold dp floats, dp a multiple of 4
;; (the caller pads d; the padding stays zero). Every pointer is a byte offset
;; into the memory; the caller (kernel.ts) lays out the buffers and computes
;; the loss and its derivative per score in between: for BCE with
;; `softplusGrad` (exp and log by polynomials here, since they are not
;; WebAssembly instructions), for the sampled softmax in JavaScript. Regenerate the bytes with
;; `node lib/cf/wasm/build.mjs` after editing.
(module
  ;; @memory (build.mjs puts the memory declaration of each build here)

  ;; Σ a[j]·b[j] over one row of rb bytes (a multiple of 16).
  (func $dot (param $a i32) (param $b i32) (param $rb i32) (result f32)
    (local $s v128) (local $t v128) (local $end i32)
    (local.set $end (i32.add (local.get $a) (local.get $rb)))
    (block $d8
      (loop $l8
        (br_if $d8 (i32.gt_u (i32.add (local.get $a) (i32.const 32)) (local.get $end)))
        (local.set $s (f32x4.add (local.get $s) (f32x4.mul (v128.load offset=0 (local.get $a)) (v128.load offset=0 (local.get $b)))))
        (local.set $t (f32x4.add (local.get $t) (f32x4.mul (v128.load offset=16 (local.get $a)) (v128.load offset=16 (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (i32.const 32)))
        (local.set $b (i32.add (local.get $b) (i32.const 32)))
        (br $l8)))
    (if (i32.lt_u (local.get $a) (local.get $end))
      (then (local.set $s (f32x4.add (local.get $s) (f32x4.mul (v128.load (local.get $a)) (v128.load (local.get $b)))))))
    (local.set $s (f32x4.add (local.get $s) (local.get $t)))
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $s)) (f32x4.extract_lane 1 (local.get $s)))
      (f32.add (f32x4.extract_lane 2 (local.get $s)) (f32x4.extract_lane 3 (local.get $s)))))

  ;; y[j] += a·x[j] over one row of rb bytes.
  (func $axpy (param $a f32) (param $x i32) (param $y i32) (param $rb i32)
    (local $av v128) (local $end i32)
    (local.set $av (f32x4.splat (local.get $a)))
    (local.set $end (i32.add (local.get $y) (local.get $rb)))
    (block $d
      (loop $l
        (br_if $d (i32.ge_u (local.get $y) (local.get $end)))
        (v128.store (local.get $y) (f32x4.add (v128.load (local.get $y)) (f32x4.mul (local.get $av) (v128.load (local.get $x)))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (br $l))))

  ;; y[j] = a·x[j] + c·z[j] over one row of rb bytes.
  (func $axpcz (param $a f32) (param $x i32) (param $c f32) (param $z i32) (param $y i32) (param $rb i32)
    (local $av v128) (local $cv v128) (local $end i32)
    (local.set $av (f32x4.splat (local.get $a)))
    (local.set $cv (f32x4.splat (local.get $c)))
    (local.set $end (i32.add (local.get $y) (local.get $rb)))
    (block $d
      (loop $l
        (br_if $d (i32.ge_u (local.get $y) (local.get $end)))
        (v128.store (local.get $y) (f32x4.add (f32x4.mul (local.get $av) (v128.load (local.get $x))) (f32x4.mul (local.get $cv) (v128.load (local.get $z)))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $z (i32.add (local.get $z) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (br $l))))

  ;; out[k] = tab[ids[k]] (acc = 0) or out[k] += tab[ids[k]] (acc ≠ 0), k < n; rows of dp floats.
  (func (export "gather") (param $tab i32) (param $ids i32) (param $n i32) (param $out i32) (param $dp i32) (param $acc i32)
    (local $rb i32) (local $end i32) (local $src i32)
    (local.set $rb (i32.shl (local.get $dp) (i32.const 2)))
    (local.set $end (i32.add (local.get $ids) (i32.shl (local.get $n) (i32.const 2))))
    (block $d
      (loop $l
        (br_if $d (i32.ge_u (local.get $ids) (local.get $end)))
        (local.set $src (i32.add (local.get $tab) (i32.mul (i32.load (local.get $ids)) (local.get $rb))))
        (if (local.get $acc)
          (then (call $axpy (f32.const 1) (local.get $src) (local.get $out) (local.get $rb)))
          (else (memory.copy (local.get $out) (local.get $src) (local.get $rb))))
        (local.set $out (i32.add (local.get $out) (local.get $rb)))
        (local.set $ids (i32.add (local.get $ids) (i32.const 4)))
        (br $l))))

  ;; grad[ids[k]] += g[k], k < n, in order (repeated ids add up); rows of dp floats.
  (func (export "scatterAdd") (param $grad i32) (param $ids i32) (param $n i32) (param $g i32) (param $dp i32)
    (local $rb i32) (local $end i32)
    (local.set $rb (i32.shl (local.get $dp) (i32.const 2)))
    (local.set $end (i32.add (local.get $ids) (i32.shl (local.get $n) (i32.const 2))))
    (block $d
      (loop $l
        (br_if $d (i32.ge_u (local.get $ids) (local.get $end)))
        (call $axpy (f32.const 1) (local.get $g) (i32.add (local.get $grad) (i32.mul (i32.load (local.get $ids)) (local.get $rb))) (local.get $rb))
        (local.set $g (i32.add (local.get $g) (local.get $rb)))
        (local.set $ids (i32.add (local.get $ids) (i32.const 4)))
        (br $l))))

  ;; Scores: for each of b users, s[k·(m+1)] = u_k·p_k and s[k·(m+1)+1+j] = u_k·n_(k·m+j), j < m.
  (func (export "scores") (param $u i32) (param $p i32) (param $neg i32) (param $b i32) (param $m i32) (param $dp i32) (param $s i32)
    (local $rb i32) (local $k i32) (local $j i32)
    (local.set $rb (i32.shl (local.get $dp) (i32.const 2)))
    (block $dk
      (loop $lk
        (br_if $dk (i32.ge_u (local.get $k) (local.get $b)))
        (f32.store (local.get $s) (call $dot (local.get $u) (local.get $p) (local.get $rb)))
        (local.set $s (i32.add (local.get $s) (i32.const 4)))
        (local.set $j (i32.const 0))
        (block $dj
          (loop $lj
            (br_if $dj (i32.ge_u (local.get $j) (local.get $m)))
            (f32.store (local.get $s) (call $dot (local.get $u) (local.get $neg) (local.get $rb)))
            (local.set $s (i32.add (local.get $s) (i32.const 4)))
            (local.set $neg (i32.add (local.get $neg) (local.get $rb)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $lj)))
        (local.set $u (i32.add (local.get $u) (local.get $rb)))
        (local.set $p (i32.add (local.get $p) (local.get $rb)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $lk))))

  ;; Backward of `scores` given ds = dLoss/ds (same layout), plus the L2 term's
  ;; gradient c·x of every tower vector: gu_k = ds0·p_k + Σ_j dsj·n_kj + c·u_k,
  ;; gp_k = ds0·u_k + c·p_k, gn_kj = dsj·u_k + c·n_kj.
  (func (export "backward") (param $u i32) (param $p i32) (param $neg i32) (param $ds i32) (param $b i32) (param $m i32) (param $dp i32) (param $c f32)
        (param $gu i32) (param $gp i32) (param $gn i32)
    (local $rb i32) (local $k i32) (local $j i32) (local $d0 f32) (local $dj f32)
    (local.set $rb (i32.shl (local.get $dp) (i32.const 2)))
    (block $dk
      (loop $lk
        (br_if $dk (i32.ge_u (local.get $k) (local.get $b)))
        (local.set $d0 (f32.load (local.get $ds)))
        (local.set $ds (i32.add (local.get $ds) (i32.const 4)))
        (call $axpcz (local.get $d0) (local.get $p) (local.get $c) (local.get $u) (local.get $gu) (local.get $rb))
        (call $axpcz (local.get $d0) (local.get $u) (local.get $c) (local.get $p) (local.get $gp) (local.get $rb))
        (local.set $j (i32.const 0))
        (block $dj
          (loop $lj
            (br_if $dj (i32.ge_u (local.get $j) (local.get $m)))
            (local.set $dj (f32.load (local.get $ds)))
            (call $axpy (local.get $dj) (local.get $neg) (local.get $gu) (local.get $rb))
            (call $axpcz (local.get $dj) (local.get $u) (local.get $c) (local.get $neg) (local.get $gn) (local.get $rb))
            (local.set $ds (i32.add (local.get $ds) (i32.const 4)))
            (local.set $neg (i32.add (local.get $neg) (local.get $rb)))
            (local.set $gn (i32.add (local.get $gn) (local.get $rb)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $lj)))
        (local.set $u (i32.add (local.get $u) (local.get $rb)))
        (local.set $p (i32.add (local.get $p) (local.get $rb)))
        (local.set $gu (i32.add (local.get $gu) (local.get $rb)))
        (local.set $gp (i32.add (local.get $gp) (local.get $rb)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $lk))))

  ;; exp(x) for x ≤ 0, lane-wise, float32 (x below −87 gives ~2^−126, not 0): x = n·ln2 + r,
  ;; |r| ≤ ln2/2, e^r by its Taylor polynomial to r⁶ (error < 2·10⁻⁷ relative), 2^n from the exponent bits.
  (func $expNeg (param $x v128) (result v128)
    (local $n v128) (local $r v128) (local $p v128)
    (local.set $x (f32x4.max (local.get $x) (f32x4.splat (f32.const -87))))
    (local.set $n (f32x4.nearest (f32x4.mul (local.get $x) (f32x4.splat (f32.const 1.44269504)))))
    (local.set $r (f32x4.sub (f32x4.sub (local.get $x) (f32x4.mul (local.get $n) (f32x4.splat (f32.const 0.693145751953125))))
                             (f32x4.mul (local.get $n) (f32x4.splat (f32.const 1.428606765330187e-06)))))
    (local.set $p (f32x4.splat (f32.const 1.3888889e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 8.3333333e-3))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 4.1666667e-2))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 0.16666667))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 0.5))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 1))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 1))))
    (f32x4.mul (local.get $p)
      (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $n)) (i32x4.splat (i32.const 127))) (i32.const 23))))

  ;; log(1 + e) for 0 ≤ e ≤ 1, lane-wise: 2·atanh(z) with z = e / (2 + e) ≤ 1/3, odd series to z¹³
  ;; (error < 10⁻⁸).
  (func $log1pUnit (param $e v128) (result v128)
    (local $z v128) (local $z2 v128) (local $p v128)
    (local.set $z (f32x4.div (local.get $e) (f32x4.add (local.get $e) (f32x4.splat (f32.const 2)))))
    (local.set $z2 (f32x4.mul (local.get $z) (local.get $z)))
    (local.set $p (f32x4.splat (f32.const 0.07692308)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $z2)) (f32x4.splat (f32.const 0.09090909))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $z2)) (f32x4.splat (f32.const 0.11111111))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $z2)) (f32x4.splat (f32.const 0.14285714))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $z2)) (f32x4.splat (f32.const 0.2))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $z2)) (f32x4.splat (f32.const 0.33333333))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $z2)) (f32x4.splat (f32.const 1))))
    (f32x4.mul (f32x4.mul (local.get $p) (local.get $z)) (f32x4.splat (f32.const 2))))

  ;; Σ softplus(x[j]) over n floats (n a multiple of 4), summed in float64, and
  ;; d[j] = sigmoid(x[j])·scale: the BCE of scores whose label is 0 (the caller
  ;; negates the positives' scores before and their derivatives after).
  ;; softplus(x) = max(x, 0) + log(1 + e), sigmoid(x) = (x ≥ 0 ? 1 : e) / (1 + e), e = exp(−|x|).
  (func (export "softplusGrad") (param $x i32) (param $d i32) (param $n i32) (param $scale f32) (result f64)
    (local $end i32) (local $v v128) (local $e v128) (local $t v128) (local $acc v128) (local $one v128)
    (local.set $one (f32x4.splat (f32.const 1)))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $v (v128.load (local.get $x)))
        (local.set $e (call $expNeg (f32x4.neg (f32x4.abs (local.get $v)))))
        (local.set $t (f32x4.add (f32x4.max (local.get $v) (v128.const f32x4 0 0 0 0)) (call $log1pUnit (local.get $e))))
        (local.set $acc (f64x2.add (local.get $acc) (f64x2.add (f64x2.promote_low_f32x4 (local.get $t))
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $t) (local.get $t))))))
        (v128.store (local.get $d)
          (f32x4.mul
            (f32x4.div (v128.bitselect (local.get $one) (local.get $e) (f32x4.ge (local.get $v) (v128.const f32x4 0 0 0 0))) (f32x4.add (local.get $one) (local.get $e)))
            (f32x4.splat (local.get $scale))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $d (i32.add (local.get $d) (i32.const 16)))
        (br $l)))
    (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))))

  ;; Σ x[j]² over n floats (n a multiple of 4).
  (func (export "sumSquares") (param $x i32) (param $n i32) (result f32)
    (local $s v128) (local $end i32) (local $v v128)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $d
      (loop $l
        (br_if $d (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $v (v128.load (local.get $x)))
        (local.set $s (f32x4.add (local.get $s) (f32x4.mul (local.get $v) (local.get $v))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (br $l)))
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $s)) (f32x4.extract_lane 1 (local.get $s)))
      (f32.add (f32x4.extract_lane 2 (local.get $s)) (f32x4.extract_lane 3 (local.get $s)))))

  ;; Adam over n floats (a multiple of 4), in TF.js's order of operations:
  ;; m = m·β1 + g·o1; v = v·β2 + g²·o2 (o1 = 1 − β1, o2 = 1 − β2, rounded by the caller as TF.js does);
  ;; w = (m / c1) / (√(v / c2) + ε) · (−lr) + w, with c1 = 1 − β1^t, c2 = 1 − β2^t;
  ;; then g = 0.
  (func (export "adam") (param $w i32) (param $m i32) (param $v i32) (param $g i32) (param $n i32)
        (param $lr f32) (param $b1 f32) (param $b2 f32) (param $o1 f32) (param $o2 f32) (param $eps f32) (param $c1 f32) (param $c2 f32)
    (local $end i32) (local $gv v128) (local $mv v128) (local $vv v128)
    (local $vb1 v128) (local $vb2 v128) (local $v1b1 v128) (local $v1b2 v128) (local $vc1 v128) (local $vc2 v128) (local $veps v128) (local $vlr v128)
    (local.set $vb1 (f32x4.splat (local.get $b1)))
    (local.set $vb2 (f32x4.splat (local.get $b2)))
    (local.set $v1b1 (f32x4.splat (local.get $o1)))
    (local.set $v1b2 (f32x4.splat (local.get $o2)))
    (local.set $vc1 (f32x4.splat (local.get $c1)))
    (local.set $vc2 (f32x4.splat (local.get $c2)))
    (local.set $veps (f32x4.splat (local.get $eps)))
    (local.set $vlr (f32x4.splat (f32.neg (local.get $lr))))
    (local.set $end (i32.add (local.get $w) (i32.shl (local.get $n) (i32.const 2))))
    (block $d
      (loop $l
        (br_if $d (i32.ge_u (local.get $w) (local.get $end)))
        (local.set $gv (v128.load (local.get $g)))
        (local.set $mv (f32x4.add (f32x4.mul (v128.load (local.get $m)) (local.get $vb1)) (f32x4.mul (local.get $gv) (local.get $v1b1))))
        (local.set $vv (f32x4.add (f32x4.mul (v128.load (local.get $v)) (local.get $vb2)) (f32x4.mul (f32x4.mul (local.get $gv) (local.get $gv)) (local.get $v1b2))))
        (v128.store (local.get $m) (local.get $mv))
        (v128.store (local.get $v) (local.get $vv))
        (v128.store (local.get $w)
          (f32x4.add
            (f32x4.mul
              (f32x4.div (f32x4.div (local.get $mv) (local.get $vc1)) (f32x4.add (f32x4.sqrt (f32x4.div (local.get $vv) (local.get $vc2))) (local.get $veps)))
              (local.get $vlr))
            (v128.load (local.get $w))))
        (v128.store (local.get $g) (v128.const i32x4 0 0 0 0))
        (local.set $w (i32.add (local.get $w) (i32.const 16)))
        (local.set $m (i32.add (local.get $m) (i32.const 16)))
        (local.set $v (i32.add (local.get $v) (i32.const 16)))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (br $l))))

  ;; SGD over n floats (a multiple of 4), as TF.js: w = g·(−lr) + w; then g = 0.
  (func (export "sgd") (param $w i32) (param $g i32) (param $n i32) (param $lr f32)
    (local $end i32) (local $vlr v128)
    (local.set $vlr (f32x4.splat (f32.neg (local.get $lr))))
    (local.set $end (i32.add (local.get $w) (i32.shl (local.get $n) (i32.const 2))))
    (block $d
      (loop $l
        (br_if $d (i32.ge_u (local.get $w) (local.get $end)))
        (v128.store (local.get $w) (f32x4.add (f32x4.mul (v128.load (local.get $g)) (local.get $vlr)) (v128.load (local.get $w))))
        (v128.store (local.get $g) (v128.const i32x4 0 0 0 0))
        (local.set $w (i32.add (local.get $w) (i32.const 16)))
        (local.set $g (i32.add (local.get $g) (i32.const 16)))
        (br $l))))
)
