;; ALS conjugate-gradient row solver with 128-bit SIMD (f32x4), the same
;; algorithm as lib/cf/cg.ts (and implicit's _least_squares_cg), in float32,
;; plus the Gram matrix YᵀY of the fixed side. k must be a multiple of 4. All
;; pointers are byte offsets into the memory; the caller lays out the buffers
;; (see kernel.ts). Two builds come from this text (build.mjs): one that owns
;; its memory (exported as "mem"), one that imports a shared memory as
;; env.mem, so several threads can run `solve` and `gram` on disjoint rows.
;; Regenerate the bytes with `node lib/cf/wasm/build.mjs` after editing.
(module
  ;; @memory (build.mjs puts the memory declaration of each build here)

  ;; Σ a[j]·b[j], j < k: four accumulators over 16-float blocks (four
  ;; independent add chains instead of one), then 4-float blocks.
  (func $dot (param $a i32) (param $b i32) (param $k i32) (result f32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $end i32)
    (local.set $end (i32.add (local.get $a) (i32.shl (local.get $k) (i32.const 2))))
    (block $d16
      (loop $l16
        (br_if $d16 (i32.gt_u (i32.add (local.get $a) (i32.const 64)) (local.get $end)))
        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load offset=0 (local.get $a)) (v128.load offset=0 (local.get $b)))))
        (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $a)) (v128.load offset=16 (local.get $b)))))
        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $a)) (v128.load offset=32 (local.get $b)))))
        (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $a)) (v128.load offset=48 (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (i32.const 64)))
        (local.set $b (i32.add (local.get $b) (i32.const 64)))
        (br $l16)))
    (block $d4
      (loop $l4
        (br_if $d4 (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $a)) (v128.load (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br $l4)))
    (local.set $a0 (f32x4.add (f32x4.add (local.get $a0) (local.get $a1)) (f32x4.add (local.get $a2) (local.get $a3))))
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $a0)) (f32x4.extract_lane 1 (local.get $a0)))
      (f32.add (f32x4.extract_lane 2 (local.get $a0)) (f32x4.extract_lane 3 (local.get $a0)))))

  ;; y[j] += s·x[j], j < k
  (func $axpy (param $s f32) (param $x i32) (param $y i32) (param $k i32)
    (local $sv v128) (local $end i32)
    (local.set $sv (f32x4.splat (local.get $s)))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $k) (i32.const 2))))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (v128.store (local.get $y)
          (f32x4.add (v128.load (local.get $y)) (f32x4.mul (local.get $sv) (v128.load (local.get $x)))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $y (i32.add (local.get $y) (i32.const 16)))
        (br $l))))

  ;; out = s · m v for a symmetric m (k × k, row-major), computed as
  ;; Σ_b v[b] · m[b, :] so every step is a lane-wise multiply-add (no
  ;; horizontal sums): blocks of 16 outputs in four registers, then blocks of 4.
  (func $gemv (param $s f32) (param $m i32) (param $v i32) (param $out i32) (param $k i32)
    (local $c i32) (local $b i32) (local $row i32) (local $p i32) (local $vb v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $sv v128)
    (local.set $row (i32.shl (local.get $k) (i32.const 2)))
    (local.set $sv (f32x4.splat (local.get $s)))
    ;; 16-wide column blocks
    (block $d16
      (loop $l16
        (br_if $d16 (i32.gt_u (i32.add (local.get $c) (i32.const 16)) (local.get $k)))
        (local.set $a0 (v128.const f32x4 0 0 0 0))
        (local.set $a1 (v128.const f32x4 0 0 0 0))
        (local.set $a2 (v128.const f32x4 0 0 0 0))
        (local.set $a3 (v128.const f32x4 0 0 0 0))
        (local.set $p (i32.add (local.get $m) (i32.shl (local.get $c) (i32.const 2))))
        (local.set $b (i32.const 0))
        (block $db
          (loop $lb
            (br_if $db (i32.ge_u (local.get $b) (local.get $k)))
            (local.set $vb (v128.load32_splat (i32.add (local.get $v) (i32.shl (local.get $b) (i32.const 2)))))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $vb) (v128.load offset=0 (local.get $p)))))
            (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $vb) (v128.load offset=16 (local.get $p)))))
            (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $vb) (v128.load offset=32 (local.get $p)))))
            (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $vb) (v128.load offset=48 (local.get $p)))))
            (local.set $p (i32.add (local.get $p) (local.get $row)))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (br $lb)))
        (local.set $p (i32.add (local.get $out) (i32.shl (local.get $c) (i32.const 2))))
        (v128.store offset=0 (local.get $p) (f32x4.mul (local.get $sv) (local.get $a0)))
        (v128.store offset=16 (local.get $p) (f32x4.mul (local.get $sv) (local.get $a1)))
        (v128.store offset=32 (local.get $p) (f32x4.mul (local.get $sv) (local.get $a2)))
        (v128.store offset=48 (local.get $p) (f32x4.mul (local.get $sv) (local.get $a3)))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $l16)))
    ;; 4-wide column blocks for the rest
    (block $d4
      (loop $l4
        (br_if $d4 (i32.ge_u (local.get $c) (local.get $k)))
        (local.set $a0 (v128.const f32x4 0 0 0 0))
        (local.set $p (i32.add (local.get $m) (i32.shl (local.get $c) (i32.const 2))))
        (local.set $b (i32.const 0))
        (block $db4
          (loop $lb4
            (br_if $db4 (i32.ge_u (local.get $b) (local.get $k)))
            (local.set $a0 (f32x4.add (local.get $a0)
              (f32x4.mul (v128.load32_splat (i32.add (local.get $v) (i32.shl (local.get $b) (i32.const 2)))) (v128.load (local.get $p)))))
            (local.set $p (i32.add (local.get $p) (local.get $row)))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (br $lb4)))
        (v128.store (i32.add (local.get $out) (i32.shl (local.get $c) (i32.const 2))) (f32x4.mul (local.get $sv) (local.get $a0)))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $l4)))
  )

  ;; One pass over the entries [e, end) of a row: out += Σ s_j y_j with
  ;; s_j = c_j − (c_j − 1)(y_j·v) (the residual pass, $res = 1) or
  ;; (c_j − 1)(y_j·v) (a CG step). y_j is the fixed factor row of entry j,
  ;; gathered by index; the first $nb entries (even) are read from the row
  ;; copy g (entry t at g + t·rowb) instead, which the residual pass fills,
  ;; so the later passes stream them in order instead of gathering them again
  ;; (a random gather misses the TLB on large factor matrices). Entries go
  ;; in pairs sharing the loads of v, an odd last one with a zero partner.
  (func $pass (param $res i32) (param $v i32) (param $out i32) (param $e i32) (param $end i32) (param $nb i32) (param $g i32)
    (param $y i32) (param $indices i32) (param $conf i32) (param $rowb i32)
    (local $j i32) (local $t i32) (local $ya i32) (local $yb i32) (local $ga i32) (local $o i32) (local $odd i32)
    (local $a0 v128) (local $a1 v128) (local $b0 v128) (local $b1 v128) (local $x0 v128) (local $x1 v128)
    (local $u0 v128) (local $u1 v128) (local $w0 v128) (local $w1 v128)
    (local $ca f32) (local $cb f32) (local $da f32) (local $db f32) (local $sa v128) (local $sb v128)
    (local $sink v128) (local $q i32) (local $half i32)
    (local.set $half (i32.and (i32.shr_u (local.get $rowb) (i32.const 1)) (i32.const -16)))
    (local.set $j (local.get $e))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $j) (local.get $end)))
        (local.set $t (i32.sub (local.get $j) (local.get $e)))
        (local.set $odd (i32.ge_u (i32.add (local.get $j) (i32.const 1)) (local.get $end)))
        (local.set $ca (f32.load (i32.add (local.get $conf) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $cb (select (f32.const 1) (f32.load offset=4 (i32.add (local.get $conf) (i32.shl (local.get $j) (i32.const 2)))) (local.get $odd)))
        (local.set $ga (i32.add (local.get $g) (i32.mul (local.get $t) (local.get $rowb))))
        (if (i32.and (i32.lt_u (local.get $t) (local.get $nb)) (i32.eqz (local.get $res)))
          (then
            (local.set $ya (local.get $ga))
            (local.set $yb (i32.add (local.get $ga) (local.get $rowb))))
          (else
            (local.set $ya (i32.add (local.get $y)
              (i32.mul (i32.load (i32.add (local.get $indices) (i32.shl (local.get $j) (i32.const 2)))) (local.get $rowb))))
            (local.set $yb (select (local.get $ya)
              (i32.add (local.get $y)
                (i32.mul (i32.load offset=4 (i32.add (local.get $indices) (i32.shl (local.get $j) (i32.const 2)))) (local.get $rowb)))
              (local.get $odd)))))
        ;; touch the rows 8 entries ahead (their first and third cache lines) when they will be gathered,
        ;; so their TLB entries and lines are on the way before the dot products need them
        (local.set $q (i32.add (local.get $j) (i32.const 9)))
        (if (i32.and (i32.lt_u (local.get $q) (local.get $end))
                     (i32.or (local.get $res) (i32.ge_u (i32.sub (local.get $q) (local.get $e)) (local.get $nb))))
          (then
            (local.set $q (i32.add (local.get $y)
              (i32.mul (i32.load offset=32 (i32.add (local.get $indices) (i32.shl (local.get $j) (i32.const 2)))) (local.get $rowb))))
            (local.set $sink (v128.or (local.get $sink) (v128.load (local.get $q))))
            (local.set $sink (v128.or (local.get $sink) (v128.load (i32.add (local.get $q) (local.get $half)))))
            (local.set $q (i32.add (local.get $y)
              (i32.mul (i32.load offset=36 (i32.add (local.get $indices) (i32.shl (local.get $j) (i32.const 2)))) (local.get $rowb))))
            (local.set $sink (v128.or (local.get $sink) (v128.load (local.get $q))))
            (local.set $sink (v128.or (local.get $sink) (v128.load (i32.add (local.get $q) (local.get $half)))))))
        ;; da = y_a·v, db = y_b·v (two accumulators each), 8 floats a step, then 4
        (local.set $a0 (v128.const f32x4 0 0 0 0))
        (local.set $a1 (v128.const f32x4 0 0 0 0))
        (local.set $b0 (v128.const f32x4 0 0 0 0))
        (local.set $b1 (v128.const f32x4 0 0 0 0))
        (local.set $o (i32.const 0))
        (if (i32.and (i32.lt_u (local.get $t) (local.get $nb)) (local.get $res))
          (then
            ;; the residual pass also copies both rows into g
            (block $c8
              (loop $l8c
                (br_if $c8 (i32.gt_u (i32.add (local.get $o) (i32.const 32)) (local.get $rowb)))
                (local.set $x0 (v128.load offset=0 (i32.add (local.get $v) (local.get $o))))
                (local.set $x1 (v128.load offset=16 (i32.add (local.get $v) (local.get $o))))
                (local.set $u0 (v128.load offset=0 (i32.add (local.get $ya) (local.get $o))))
                (local.set $u1 (v128.load offset=16 (i32.add (local.get $ya) (local.get $o))))
                (local.set $w0 (v128.load offset=0 (i32.add (local.get $yb) (local.get $o))))
                (local.set $w1 (v128.load offset=16 (i32.add (local.get $yb) (local.get $o))))
                (v128.store offset=0 (i32.add (local.get $ga) (local.get $o)) (local.get $u0))
                (v128.store offset=16 (i32.add (local.get $ga) (local.get $o)) (local.get $u1))
                (v128.store offset=0 (i32.add (i32.add (local.get $ga) (local.get $rowb)) (local.get $o)) (local.get $w0))
                (v128.store offset=16 (i32.add (i32.add (local.get $ga) (local.get $rowb)) (local.get $o)) (local.get $w1))
                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $u0) (local.get $x0))))
                (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $u1) (local.get $x1))))
                (local.set $b0 (f32x4.add (local.get $b0) (f32x4.mul (local.get $w0) (local.get $x0))))
                (local.set $b1 (f32x4.add (local.get $b1) (f32x4.mul (local.get $w1) (local.get $x1))))
                (local.set $o (i32.add (local.get $o) (i32.const 32)))
                (br $l8c)))
            (if (i32.lt_u (local.get $o) (local.get $rowb))
              (then
                (local.set $x0 (v128.load (i32.add (local.get $v) (local.get $o))))
                (local.set $u0 (v128.load (i32.add (local.get $ya) (local.get $o))))
                (local.set $w0 (v128.load (i32.add (local.get $yb) (local.get $o))))
                (v128.store (i32.add (local.get $ga) (local.get $o)) (local.get $u0))
                (v128.store (i32.add (i32.add (local.get $ga) (local.get $rowb)) (local.get $o)) (local.get $w0))
                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $u0) (local.get $x0))))
                (local.set $b0 (f32x4.add (local.get $b0) (f32x4.mul (local.get $w0) (local.get $x0)))))))
          (else
            (block $d8
              (loop $l8
                (br_if $d8 (i32.gt_u (i32.add (local.get $o) (i32.const 32)) (local.get $rowb)))
                (local.set $x0 (v128.load offset=0 (i32.add (local.get $v) (local.get $o))))
                (local.set $x1 (v128.load offset=16 (i32.add (local.get $v) (local.get $o))))
                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load offset=0 (i32.add (local.get $ya) (local.get $o))) (local.get $x0))))
                (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (i32.add (local.get $ya) (local.get $o))) (local.get $x1))))
                (local.set $b0 (f32x4.add (local.get $b0) (f32x4.mul (v128.load offset=0 (i32.add (local.get $yb) (local.get $o))) (local.get $x0))))
                (local.set $b1 (f32x4.add (local.get $b1) (f32x4.mul (v128.load offset=16 (i32.add (local.get $yb) (local.get $o))) (local.get $x1))))
                (local.set $o (i32.add (local.get $o) (i32.const 32)))
                (br $l8)))
            (if (i32.lt_u (local.get $o) (local.get $rowb))
              (then
                (local.set $x0 (v128.load (i32.add (local.get $v) (local.get $o))))
                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (i32.add (local.get $ya) (local.get $o))) (local.get $x0))))
                (local.set $b0 (f32x4.add (local.get $b0) (f32x4.mul (v128.load (i32.add (local.get $yb) (local.get $o))) (local.get $x0))))))))
        (local.set $a0 (f32x4.add (local.get $a0) (local.get $a1)))
        (local.set $b0 (f32x4.add (local.get $b0) (local.get $b1)))
        (local.set $da (f32.add
          (f32.add (f32x4.extract_lane 0 (local.get $a0)) (f32x4.extract_lane 1 (local.get $a0)))
          (f32.add (f32x4.extract_lane 2 (local.get $a0)) (f32x4.extract_lane 3 (local.get $a0)))))
        (local.set $db (f32.add
          (f32.add (f32x4.extract_lane 0 (local.get $b0)) (f32x4.extract_lane 1 (local.get $b0)))
          (f32.add (f32x4.extract_lane 2 (local.get $b0)) (f32x4.extract_lane 3 (local.get $b0)))))
        ;; the coefficients; a missing partner (odd end) gets 0
        (if (local.get $res)
          (then
            (local.set $sa (f32x4.splat (f32.sub (local.get $ca) (f32.mul (f32.sub (local.get $ca) (f32.const 1)) (local.get $da)))))
            (local.set $sb (f32x4.splat (f32.sub (local.get $cb) (f32.mul (f32.sub (local.get $cb) (f32.const 1)) (local.get $db))))))
          (else
            (local.set $sa (f32x4.splat (f32.mul (f32.sub (local.get $ca) (f32.const 1)) (local.get $da))))
            (local.set $sb (f32x4.splat (f32.mul (f32.sub (local.get $cb) (f32.const 1)) (local.get $db))))))
        (if (local.get $odd) (then (local.set $sb (v128.const f32x4 0 0 0 0))))
        ;; out += sa·y_a + sb·y_b
        (local.set $o (i32.const 0))
        (block $dx
          (loop $lx
            (br_if $dx (i32.ge_u (local.get $o) (local.get $rowb)))
            (v128.store (i32.add (local.get $out) (local.get $o))
              (f32x4.add (v128.load (i32.add (local.get $out) (local.get $o)))
                (f32x4.add
                  (f32x4.mul (local.get $sa) (v128.load (i32.add (local.get $ya) (local.get $o))))
                  (f32x4.mul (local.get $sb) (v128.load (i32.add (local.get $yb) (local.get $o)))))))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (br $lx)))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (br $pairs)))
    ;; keep the touches: their OR goes to the 16 bytes before g, which nothing reads
    (v128.store (i32.sub (local.get $g) (i32.const 16)) (local.get $sink)))

  ;; Solves rows [r0, r1). yty: k×k f32 (YᵀY + λI); y: fixed factors; x:
  ;; target factors (updated in place); indptr/indices: i32 CSR; conf: f32
  ;; confidences; scratch: per thread, 3·k f32 (r, p, Ap), 16 bytes where
  ;; $pass leaves its touches, then room for its row copy (copy entries,
  ;; even, times k f32).
  (func (export "solve")
    (param $r0 i32) (param $r1 i32) (param $k i32) (param $steps i32)
    (param $yty i32) (param $y i32) (param $x i32)
    (param $indptr i32) (param $indices i32) (param $conf i32) (param $scratch i32) (param $copy i32)
    (local $u i32) (local $e i32) (local $end i32) (local $xu i32) (local $nb i32) (local $g i32)
    (local $rv i32) (local $pv i32) (local $ap i32) (local $rowb i32)
    (local $rsold f32) (local $rsnew f32) (local $alpha f32)
    (local $it i32) (local $j i32) (local $bv v128)
    (local.set $rowb (i32.shl (local.get $k) (i32.const 2)))
    (local.set $rv (local.get $scratch))
    (local.set $pv (i32.add (local.get $rv) (local.get $rowb)))
    (local.set $ap (i32.add (local.get $pv) (local.get $rowb)))
    (local.set $g (i32.add (i32.add (local.get $ap) (local.get $rowb)) (i32.const 16)))
    (local.set $u (local.get $r0))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $u) (local.get $r1)))
        (local.set $e (i32.load (i32.add (local.get $indptr) (i32.shl (local.get $u) (i32.const 2)))))
        (local.set $end (i32.load (i32.add (local.get $indptr) (i32.shl (i32.add (local.get $u) (i32.const 1)) (i32.const 2)))))
        ;; entries read from the copy: all but an odd last one, at most $copy
        (local.set $nb (i32.and (i32.sub (local.get $end) (local.get $e)) (i32.const -2)))
        (if (i32.gt_u (local.get $nb) (local.get $copy)) (then (local.set $nb (local.get $copy))))
        (block $skip
          (br_if $skip (i32.eq (local.get $e) (local.get $end)))
          (local.set $xu (i32.add (local.get $x) (i32.mul (local.get $u) (local.get $rowb))))
          ;; r = −(YᵀY + λI) x + Σ (c − (c − 1) y·x) y
          (call $gemv (f32.const -1) (local.get $yty) (local.get $xu) (local.get $rv) (local.get $k))
          (call $pass (i32.const 1) (local.get $xu) (local.get $rv) (local.get $e) (local.get $end) (local.get $nb) (local.get $g)
            (local.get $y) (local.get $indices) (local.get $conf) (local.get $rowb))
          (memory.copy (local.get $pv) (local.get $rv) (local.get $rowb))
          (local.set $rsold (call $dot (local.get $rv) (local.get $rv) (local.get $k)))
          (br_if $skip (f32.lt (local.get $rsold) (f32.const 1e-20)))
          (local.set $it (i32.const 0))
          (block $cg_done
            (loop $cg
              (br_if $cg_done (i32.ge_u (local.get $it) (local.get $steps)))
              ;; Ap = (YᵀY + λI) p + Σ (c − 1)(y·p) y
              (call $gemv (f32.const 1) (local.get $yty) (local.get $pv) (local.get $ap) (local.get $k))
              (call $pass (i32.const 0) (local.get $pv) (local.get $ap) (local.get $e) (local.get $end) (local.get $nb) (local.get $g)
                (local.get $y) (local.get $indices) (local.get $conf) (local.get $rowb))
              (local.set $alpha (f32.div (local.get $rsold) (call $dot (local.get $pv) (local.get $ap) (local.get $k))))
              (call $axpy (local.get $alpha) (local.get $pv) (local.get $xu) (local.get $k))
              (call $axpy (f32.neg (local.get $alpha)) (local.get $ap) (local.get $rv) (local.get $k))
              (local.set $rsnew (call $dot (local.get $rv) (local.get $rv) (local.get $k)))
              (br_if $cg_done (f32.lt (local.get $rsnew) (f32.const 1e-20)))
              ;; p = r + (rsnew / rsold) p
              (local.set $bv (f32x4.splat (f32.div (local.get $rsnew) (local.get $rsold))))
              (local.set $j (i32.const 0))
              (block $d3
                (loop $l3
                  (br_if $d3 (i32.ge_u (local.get $j) (local.get $rowb)))
                  (v128.store (i32.add (local.get $pv) (local.get $j))
                    (f32x4.add (v128.load (i32.add (local.get $rv) (local.get $j)))
                      (f32x4.mul (local.get $bv) (v128.load (i32.add (local.get $pv) (local.get $j))))))
                  (local.set $j (i32.add (local.get $j) (i32.const 16)))
                  (br $l3)))
              (local.set $rsold (local.get $rsnew))
              (local.set $it (i32.add (local.get $it) (i32.const 1)))
              (br $cg))))
        (local.set $u (i32.add (local.get $u) (i32.const 1)))
        (br $rows))))

  ;; max |a[j]| over j < n (n a multiple of 4), for the fit's divergence check;
  ;; NaN when any entry is NaN (f32x4.max and f32.max propagate it).
  (func (export "maxabs") (param $a i32) (param $n i32) (result f32)
    (local $m v128) (local $end i32)
    (local.set $end (i32.add (local.get $a) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $m (f32x4.max (local.get $m) (f32x4.abs (v128.load (local.get $a)))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (br $l)))
    (f32.max
      (f32.max (f32x4.extract_lane 0 (local.get $m)) (f32x4.extract_lane 1 (local.get $m)))
      (f32.max (f32x4.extract_lane 2 (local.get $m)) (f32x4.extract_lane 3 (local.get $m)))))

  ;; acc64 += acc32 (k·k lanes, f32 widened to f64); acc32 is zeroed.
  (func $flush (param $acc32 i32) (param $acc64 i32) (param $k i32)
    (local $end i32) (local $v v128)
    (local.set $end (i32.add (local.get $acc32) (i32.shl (i32.mul (local.get $k) (local.get $k)) (i32.const 2))))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $acc32) (local.get $end)))
        (local.set $v (v128.load (local.get $acc32)))
        (v128.store offset=0 (local.get $acc64)
          (f64x2.add (v128.load offset=0 (local.get $acc64)) (f64x2.promote_low_f32x4 (local.get $v))))
        (v128.store offset=16 (local.get $acc64)
          (f64x2.add (v128.load offset=16 (local.get $acc64))
            (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
        (v128.store (local.get $acc32) (v128.const f32x4 0 0 0 0))
        (local.set $acc32 (i32.add (local.get $acc32) (i32.const 16)))
        (local.set $acc64 (i32.add (local.get $acc64) (i32.const 32)))
        (br $l))))

  ;; acc64 (k×k f64) += Σ y_r y_rᵀ over rows [r0, r1) of y (row-major, k f32
  ;; per row), in the upper triangle by 4-column blocks (row a holds columns
  ;; a & ~3 .. k−1; the caller mirrors it). Four rows per pass (a rank-4
  ;; update) into the f32 block acc32 (k×k, zero on entry and on exit), which
  ;; is widened into acc64 every 256 rows so long sums keep float64 accuracy.
  (func (export "gram") (param $y i32) (param $r0 i32) (param $r1 i32) (param $k i32) (param $acc32 i32) (param $acc64 i32)
    (local $rowb i32) (local $u i32) (local $quads i32) (local $a i32) (local $b i32) (local $g i32)
    (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local.set $rowb (i32.shl (local.get $k) (i32.const 2)))
    (local.set $u (local.get $r0))
    (block $quads_done
      (loop $quad
        (br_if $quads_done (i32.gt_u (i32.add (local.get $u) (i32.const 4)) (local.get $r1)))
        (local.set $p0 (i32.add (local.get $y) (i32.mul (local.get $u) (local.get $rowb))))
        (local.set $p1 (i32.add (local.get $p0) (local.get $rowb)))
        (local.set $p2 (i32.add (local.get $p1) (local.get $rowb)))
        (local.set $p3 (i32.add (local.get $p2) (local.get $rowb)))
        (local.set $a (i32.const 0))
        (block $a_done
          (loop $la
            (br_if $a_done (i32.ge_u (local.get $a) (local.get $rowb)))
            (local.set $s0 (v128.load32_splat (i32.add (local.get $p0) (local.get $a))))
            (local.set $s1 (v128.load32_splat (i32.add (local.get $p1) (local.get $a))))
            (local.set $s2 (v128.load32_splat (i32.add (local.get $p2) (local.get $a))))
            (local.set $s3 (v128.load32_splat (i32.add (local.get $p3) (local.get $a))))
            (local.set $g (i32.add (local.get $acc32) (i32.mul (local.get $a) (local.get $k))))
            (local.set $b (i32.and (local.get $a) (i32.const -16)))
            (block $b_done
              (loop $lb
                (br_if $b_done (i32.ge_u (local.get $b) (local.get $rowb)))
                (v128.store (i32.add (local.get $g) (local.get $b))
                  (f32x4.add (v128.load (i32.add (local.get $g) (local.get $b)))
                    (f32x4.add
                      (f32x4.add (f32x4.mul (local.get $s0) (v128.load (i32.add (local.get $p0) (local.get $b))))
                                 (f32x4.mul (local.get $s1) (v128.load (i32.add (local.get $p1) (local.get $b)))))
                      (f32x4.add (f32x4.mul (local.get $s2) (v128.load (i32.add (local.get $p2) (local.get $b))))
                                 (f32x4.mul (local.get $s3) (v128.load (i32.add (local.get $p3) (local.get $b))))))))
                (local.set $b (i32.add (local.get $b) (i32.const 16)))
                (br $lb)))
            (local.set $a (i32.add (local.get $a) (i32.const 4)))
            (br $la)))
        (local.set $u (i32.add (local.get $u) (i32.const 4)))
        (local.set $quads (i32.add (local.get $quads) (i32.const 1)))
        (if (i32.eq (local.get $quads) (i32.const 64))
          (then
            (call $flush (local.get $acc32) (local.get $acc64) (local.get $k))
            (local.set $quads (i32.const 0))))
        (br $quad)))
    ;; the last rows (fewer than four), one at a time
    (block $rest_done
      (loop $rest
        (br_if $rest_done (i32.ge_u (local.get $u) (local.get $r1)))
        (local.set $p0 (i32.add (local.get $y) (i32.mul (local.get $u) (local.get $rowb))))
        (local.set $a (i32.const 0))
        (block $a1_done
          (loop $la1
            (br_if $a1_done (i32.ge_u (local.get $a) (local.get $rowb)))
            (local.set $s0 (v128.load32_splat (i32.add (local.get $p0) (local.get $a))))
            (local.set $g (i32.add (local.get $acc32) (i32.mul (local.get $a) (local.get $k))))
            (local.set $b (i32.and (local.get $a) (i32.const -16)))
            (block $b1_done
              (loop $lb1
                (br_if $b1_done (i32.ge_u (local.get $b) (local.get $rowb)))
                (v128.store (i32.add (local.get $g) (local.get $b))
                  (f32x4.add (v128.load (i32.add (local.get $g) (local.get $b)))
                    (f32x4.mul (local.get $s0) (v128.load (i32.add (local.get $p0) (local.get $b))))))
                (local.set $b (i32.add (local.get $b) (i32.const 16)))
                (br $lb1)))
            (local.set $a (i32.add (local.get $a) (i32.const 4)))
            (br $la1)))
        (local.set $u (i32.add (local.get $u) (i32.const 1)))
        (br $rest)))
    (call $flush (local.get $acc32) (local.get $acc64) (local.get $k))))
