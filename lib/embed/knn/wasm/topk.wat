;; Exact top-k by inner product with 128-bit SIMD (f32x4), fused: scores are
;; never stored, each is offered to its rows' sorted top-k lists as soon as it
;; is computed. Each pair of rows is scored once (the matrix is scored against
;; itself, so s(i, j) = s(j, i)) and offered to both rows' lists: half the
;; multiply-adds of the full product. The score is bit-for-bit the one the
;; full product gives (the same products, summed in the same order). The rows are unit vectors (the caller normalises them), so
;; inner product is cosine. All pointers are byte offsets into the memory;
;; the caller lays out the buffers (see ../wasm.ts). Two builds come from this
;; text (lib/cf/wasm/build.mjs): one that owns its memory (exported as "mem"),
;; one that imports a shared memory as env.mem, so several threads can run
;; `topk` on disjoint query rows. Regenerate the bytes with
;; `node lib/cf/wasm/build.mjs` after editing.
(module
  ;; @memory (build.mjs puts the memory declaration of each build here)

;; Offers score $s of item $j to the list at $vals/$idx (k entries, best
  ;; first by score, then by lower index). Items arrive in any order (a row's
  ;; list gets the items after it from its own block and the items before it
  ;; from earlier blocks), so the order is by (score, index) itself: a score
  ;; tied with an entry goes after it when its index is higher. The list ends
  ;; up with the k best by that order, whatever the order of the offers, so
  ;; lists filled on several threads merge into the same result. NaN never
  ;; enters.
  (func $offer (param $vals i32) (param $idx i32) (param $k i32) (param $s f32) (param $j i32)
    (local $p i32) (local $at i32) (local $v f32)
    (local.set $p (i32.sub (local.get $k) (i32.const 1)))
    (local.set $at (i32.shl (local.get $p) (i32.const 2)))
    (local.set $v (f32.load (i32.add (local.get $vals) (local.get $at))))
    ;; The usual case first: not better than the last entry.
    (if (i32.eqz (i32.or (f32.gt (local.get $s) (local.get $v))
          (i32.and (f32.eq (local.get $s) (local.get $v))
            (i32.lt_u (local.get $j) (i32.load (i32.add (local.get $idx) (local.get $at)))))))
      (then (return)))
    (block $placed
      (loop $shift
        (br_if $placed (i32.eqz (local.get $p)))
        (local.set $at (i32.shl (i32.sub (local.get $p) (i32.const 1)) (i32.const 2)))
        (local.set $v (f32.load (i32.add (local.get $vals) (local.get $at))))
        (br_if $placed (i32.eqz (i32.or (f32.lt (local.get $v) (local.get $s))
          (i32.and (f32.eq (local.get $v) (local.get $s))
            (i32.gt_u (i32.load (i32.add (local.get $idx) (local.get $at))) (local.get $j))))))
        (f32.store offset=4 (i32.add (local.get $vals) (local.get $at)) (local.get $v))
        (i32.store offset=4 (i32.add (local.get $idx) (local.get $at)) (i32.load (i32.add (local.get $idx) (local.get $at))))
        (local.set $p (i32.sub (local.get $p) (i32.const 1)))
        (br $shift)))
    (local.set $at (i32.shl (local.get $p) (i32.const 2)))
    (f32.store (i32.add (local.get $vals) (local.get $at)) (local.get $s))
    (i32.store (i32.add (local.get $idx) (local.get $at)) (local.get $j)))

  ;; The lanes of $v summed: (v0 + v1) + (v2 + v3).
  (func $hsum (param $v v128) (result f32)
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
      (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))

;; Offers score $s of the pair (query row $q, item $j) to row $q's list
  ;; and to row $j's, unless the pair is left out: $q past the block (a padded
  ;; row of the 4-row group), $j past the items (a padded item of the pair),
  ;; or $j before $q (the pair was scored with $j's block, or is scored by the
  ;; other half of this block's diagonal). $j == $q goes to $q's list once,
  ;; and only with $self clear.
  (func $maybe (param $s f32) (param $q i32) (param $q1 i32) (param $j i32) (param $n i32) (param $self i32)
                (param $k i32) (param $vals i32) (param $idx i32)
    (local $row i32)
    (if (i32.ge_u (local.get $q) (local.get $q1)) (then (return)))
    (if (i32.ge_u (local.get $j) (local.get $n)) (then (return)))
    (if (i32.lt_u (local.get $j) (local.get $q)) (then (return)))
    (if (i32.ne (local.get $j) (local.get $q))
      (then
        (local.set $row (i32.shl (i32.mul (local.get $j) (local.get $k)) (i32.const 2)))
        (call $offer (i32.add (local.get $vals) (local.get $row)) (i32.add (local.get $idx) (local.get $row))
          (local.get $k) (local.get $s) (local.get $q)))
      (else (if (local.get $self) (then (return)))))
    (local.set $row (i32.shl (i32.mul (local.get $q) (local.get $k)) (i32.const 2)))
    (call $offer (i32.add (local.get $vals) (local.get $row)) (i32.add (local.get $idx) (local.get $row))
      (local.get $k) (local.get $s) (local.get $j)))

  ;; Scores query rows [q0, q1) against the rows from q0 on (of the n rows at
  ;; $x: n × d f32, row-major, d a multiple of 4), and offers each pair
  ;; (q, j), j >= q, to both rows' lists: calls for the blocks [0, b), [b,
  ;; 2b), ... offer every pair once. Row r's list is vals[r*k .. r*k+k) (f32)
  ;; and idx[r*k .. r*k+k) (i32), which the caller fills with -inf and -1
  ;; first; threads each pass lists of their own (a block's items reach rows
  ;; of other blocks) and the caller merges them. Items go two at a time from
  ;; q0 (the first pairs of the block's diagonal are computed and skipped), and for each pair every group of four
  ;; query rows of the block is scored (a 4 × 2 tile: eight f32x4
  ;; accumulators), so the pair's rows stay in L1 while the block's query
  ;; rows (a few dozen: the caller's chunk) stay in L2.
  (func (export "topk")
    (param $x i32) (param $n i32) (param $d i32) (param $q0 i32) (param $q1 i32)
    (param $k i32) (param $self i32) (param $vals i32) (param $idx i32)
    (local $rb i32) (local $j i32) (local $g i32) (local $t i32) (local $last i32)
    (local $c0 i32) (local $c1 i32) (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32)
    (local $xa v128) (local $xb v128) (local $qv v128)
    (local $a00 v128) (local $a01 v128) (local $a10 v128) (local $a11 v128)
    (local $a20 v128) (local $a21 v128) (local $a30 v128) (local $a31 v128)
    (local.set $rb (i32.shl (local.get $d) (i32.const 2)))
    (local.set $last (i32.sub (local.get $q1) (i32.const 1)))
    (local.set $j (local.get $q0))
    (block $items_done
      (loop $items
        (br_if $items_done (i32.ge_u (local.get $j) (local.get $n)))
        (local.set $c0 (i32.add (local.get $x) (i32.mul (local.get $j) (local.get $rb))))
        ;; The pair's second item: the first again when n is odd (its score is not offered).
        (local.set $c1 (select (i32.add (local.get $c0) (local.get $rb)) (local.get $c0)
          (i32.lt_u (i32.add (local.get $j) (i32.const 1)) (local.get $n))))
        (local.set $g (local.get $q0))
        (block $groups_done
          (loop $groups
            (br_if $groups_done (i32.ge_u (local.get $g) (local.get $q1)))
            ;; Rows past the block repeat its last row (their scores are not offered).
            (local.set $r0 (i32.add (local.get $x) (i32.mul (local.get $g) (local.get $rb))))
            (local.set $r1 (i32.add (local.get $x) (i32.mul
              (select (i32.add (local.get $g) (i32.const 1)) (local.get $last) (i32.lt_u (i32.add (local.get $g) (i32.const 1)) (local.get $q1))) (local.get $rb))))
            (local.set $r2 (i32.add (local.get $x) (i32.mul
              (select (i32.add (local.get $g) (i32.const 2)) (local.get $last) (i32.lt_u (i32.add (local.get $g) (i32.const 2)) (local.get $q1))) (local.get $rb))))
            (local.set $r3 (i32.add (local.get $x) (i32.mul
              (select (i32.add (local.get $g) (i32.const 3)) (local.get $last) (i32.lt_u (i32.add (local.get $g) (i32.const 3)) (local.get $q1))) (local.get $rb))))
            (local.set $a00 (v128.const i32x4 0 0 0 0)) (local.set $a01 (v128.const i32x4 0 0 0 0))
            (local.set $a10 (v128.const i32x4 0 0 0 0)) (local.set $a11 (v128.const i32x4 0 0 0 0))
            (local.set $a20 (v128.const i32x4 0 0 0 0)) (local.set $a21 (v128.const i32x4 0 0 0 0))
            (local.set $a30 (v128.const i32x4 0 0 0 0)) (local.set $a31 (v128.const i32x4 0 0 0 0))
            (local.set $t (i32.const 0))
            (block $dims_done
              (loop $dims
                (br_if $dims_done (i32.ge_u (local.get $t) (local.get $rb)))
                (local.set $xa (v128.load (i32.add (local.get $c0) (local.get $t))))
                (local.set $xb (v128.load (i32.add (local.get $c1) (local.get $t))))
                (local.set $qv (v128.load (i32.add (local.get $r0) (local.get $t))))
                (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (local.get $qv) (local.get $xa))))
                (local.set $a01 (f32x4.add (local.get $a01) (f32x4.mul (local.get $qv) (local.get $xb))))
                (local.set $qv (v128.load (i32.add (local.get $r1) (local.get $t))))
                (local.set $a10 (f32x4.add (local.get $a10) (f32x4.mul (local.get $qv) (local.get $xa))))
                (local.set $a11 (f32x4.add (local.get $a11) (f32x4.mul (local.get $qv) (local.get $xb))))
                (local.set $qv (v128.load (i32.add (local.get $r2) (local.get $t))))
                (local.set $a20 (f32x4.add (local.get $a20) (f32x4.mul (local.get $qv) (local.get $xa))))
                (local.set $a21 (f32x4.add (local.get $a21) (f32x4.mul (local.get $qv) (local.get $xb))))
                (local.set $qv (v128.load (i32.add (local.get $r3) (local.get $t))))
                (local.set $a30 (f32x4.add (local.get $a30) (f32x4.mul (local.get $qv) (local.get $xa))))
                (local.set $a31 (f32x4.add (local.get $a31) (f32x4.mul (local.get $qv) (local.get $xb))))
                (local.set $t (i32.add (local.get $t) (i32.const 16)))
                (br $dims)))
            (call $maybe (call $hsum (local.get $a00)) (local.get $g) (local.get $q1) (local.get $j) (local.get $n) (local.get $self) (local.get $k) (local.get $vals) (local.get $idx))
            (call $maybe (call $hsum (local.get $a01)) (local.get $g) (local.get $q1) (i32.add (local.get $j) (i32.const 1)) (local.get $n) (local.get $self) (local.get $k) (local.get $vals) (local.get $idx))
            (call $maybe (call $hsum (local.get $a10)) (i32.add (local.get $g) (i32.const 1)) (local.get $q1) (local.get $j) (local.get $n) (local.get $self) (local.get $k) (local.get $vals) (local.get $idx))
            (call $maybe (call $hsum (local.get $a11)) (i32.add (local.get $g) (i32.const 1)) (local.get $q1) (i32.add (local.get $j) (i32.const 1)) (local.get $n) (local.get $self) (local.get $k) (local.get $vals) (local.get $idx))
            (call $maybe (call $hsum (local.get $a20)) (i32.add (local.get $g) (i32.const 2)) (local.get $q1) (local.get $j) (local.get $n) (local.get $self) (local.get $k) (local.get $vals) (local.get $idx))
            (call $maybe (call $hsum (local.get $a21)) (i32.add (local.get $g) (i32.const 2)) (local.get $q1) (i32.add (local.get $j) (i32.const 1)) (local.get $n) (local.get $self) (local.get $k) (local.get $vals) (local.get $idx))
            (call $maybe (call $hsum (local.get $a30)) (i32.add (local.get $g) (i32.const 3)) (local.get $q1) (local.get $j) (local.get $n) (local.get $self) (local.get $k) (local.get $vals) (local.get $idx))
            (call $maybe (call $hsum (local.get $a31)) (i32.add (local.get $g) (i32.const 3)) (local.get $q1) (i32.add (local.get $j) (i32.const 1)) (local.get $n) (local.get $self) (local.get $k) (local.get $vals) (local.get $idx))
            (local.set $g (i32.add (local.get $g) (i32.const 4)))
            (br $groups)))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (br $items))))
)
