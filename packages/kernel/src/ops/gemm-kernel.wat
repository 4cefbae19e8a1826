;; Text form of the gemm micro-kernel that wasm-gemm-module.ts assembles to bytes at load time.
;; For reading only: the encoder in wasm-gemm-module.ts is the source of truth (no toolchain
;; is needed or used; `wat2wasm --enable-simd gemm-kernel.wat` gives an equivalent module).
;; The shared-memory variant imports (memory 1 32768 shared) instead. The FMA variant (used where
;; the runtime has relaxed SIMD) replaces each f64x2.add (c, f64x2.mul (a, b)) below by
;; f64x2.relaxed_madd (a, b, c).
(module
  (import "env" "mem" (memory 1))
  ;; For every 4-row panel ip of packed A ([ip][k][4] f64 at pa) and 4-column panel jp of
  ;; packed B ([jp][k][4] f64 at pb): C[4ip+r, 4jp+c] += sum_k a[ip][k][r] * b[jp][k][c],
  ;; C row-major at pc with row stride ldcBytes.
  (func (export "kernel") (param $pa i32) (param $pb i32) (param $pc i32)
        (param $mPanels i32) (param $nPanels i32) (param $kc i32) (param $ldc i32)
    (local $ip i32) (local $jp i32) (local $kk i32) (local $a i32) (local $b i32) (local $c i32) (local $unused i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $av v128)
    (local.set $ip (i32.const 0))
    (block $ipDone (loop $ipLoop
      (br_if $ipDone (i32.eqz (i32.lt_s (local.get $ip) (local.get $mPanels))))
      (local.set $jp (i32.const 0))
      (block $jpDone (loop $jpLoop
        (br_if $jpDone (i32.eqz (i32.lt_s (local.get $jp) (local.get $nPanels))))
        (local.set $a (i32.add (local.get $pa) (i32.mul (local.get $ip) (i32.mul (local.get $kc) (i32.const 32)))))
        (local.set $b (i32.add (local.get $pb) (i32.mul (local.get $jp) (i32.mul (local.get $kc) (i32.const 32)))))
        ;; c00 .. c31 := 0 (v128.const i64x2 0 0)
        (local.set $kk (i32.const 0))
        (block $kDone (loop $kLoop
          (br_if $kDone (i32.eqz (i32.lt_s (local.get $kk) (local.get $kc))))
          (local.set $b0 (v128.load offset=0 (local.get $b)))
          (local.set $b1 (v128.load offset=16 (local.get $b)))
          ;; row r = 0..3 (shown for r = 0; offsets 8r for the others)
          (local.set $av (v128.load64_splat offset=0 (local.get $a)))
          (local.set $c00 (f64x2.add (local.get $c00) (f64x2.mul (local.get $av) (local.get $b0))))
          (local.set $c01 (f64x2.add (local.get $c01) (f64x2.mul (local.get $av) (local.get $b1))))
          ;; ... r = 1, 2, 3 with $c10/$c11, $c20/$c21, $c30/$c31
          (local.set $a (i32.add (local.get $a) (i32.const 32)))
          (local.set $b (i32.add (local.get $b) (i32.const 32)))
          (local.set $kk (i32.add (local.get $kk) (i32.const 1)))
          (br $kLoop)))
        (local.set $c (i32.add (i32.add (local.get $pc) (i32.mul (i32.mul (local.get $ip) (i32.const 4)) (local.get $ldc)))
                               (i32.mul (local.get $jp) (i32.const 32))))
        ;; for r, h: v128.store offset=16h (c + r ldc) (f64x2.add (v128.load offset=16h (c + r ldc)) c_rh)
        (local.set $jp (i32.add (local.get $jp) (i32.const 1)))
        (br $jpLoop)))
      (local.set $ip (i32.add (local.get $ip) (i32.const 1)))
      (br $ipLoop)))))
