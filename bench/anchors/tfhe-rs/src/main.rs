//! Anchor harness: times tfhe-rs core_crypto keyswitch, PBS and KS+PBS on one thread for a
//! parameter set given on the command line (the same numbers as fhec's ParameterSets), and prints
//! one JSON line per measurement. Written against the documented core_crypto API (docs.rs tfhe).
//! `--mode throughput --count C --threads T --rounds R` instead times C KS+PBS of distinct
//! ciphertexts spread over T threads with rayon's `par_iter` (one set of buffers per worker, the
//! keys shared), the way a tfhe-rs user parallelizes a batch of independent bootstraps on the CPU.
//! Bench tooling only; never on fhec's product path.

use rayon::prelude::*;
use std::collections::HashMap;
use std::time::Instant;
use tfhe::core_crypto::prelude::*;

struct Args(HashMap<String, String>);

impl Args {
    fn parse() -> Args {
        let raw: Vec<String> = std::env::args().skip(1).collect();
        let mut map = HashMap::new();
        let mut i = 0;
        while i < raw.len() {
            let key = raw[i].trim_start_matches("--").to_string();
            let value = raw.get(i + 1).unwrap_or_else(|| panic!("missing value for {key}")).clone();
            map.insert(key, value);
            i += 2;
        }
        Args(map)
    }
    fn str(&self, key: &str) -> String {
        self.0.get(key).unwrap_or_else(|| panic!("missing --{key}")).clone()
    }
    fn usize(&self, key: &str) -> usize {
        self.str(key).parse().unwrap_or_else(|e| panic!("--{key}: {e}"))
    }
    fn usize_or(&self, key: &str, default: usize) -> usize {
        self.0.get(key).map(|v| v.parse().unwrap()).unwrap_or(default)
    }
    fn f64(&self, key: &str) -> f64 {
        self.str(key).parse().unwrap_or_else(|e| panic!("--{key}: {e}"))
    }
}

fn median(samples: &mut [f64]) -> f64 {
    samples.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let m = samples.len() / 2;
    if samples.len() % 2 == 1 {
        samples[m]
    } else {
        (samples[m - 1] + samples[m]) / 2.0
    }
}

/// CPU time consumed by the calling thread, in microseconds (CLOCK_THREAD_CPUTIME_ID): on a
/// shared, oversubscribed machine wall time mostly measures the other tenants.
fn thread_cpu_us() -> f64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime only writes the timespec we pass.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    ts.tv_sec as f64 * 1e6 + ts.tv_nsec as f64 / 1e3
}

/// Times `op` `iters` times after `warmup` untimed calls; returns the medians (thread CPU time,
/// wall time) in microseconds.
fn time_median<F: FnMut()>(warmup: usize, iters: usize, mut op: F) -> (f64, f64) {
    for _ in 0..warmup {
        op();
    }
    let mut cpu = Vec::with_capacity(iters);
    let mut wall = Vec::with_capacity(iters);
    for _ in 0..iters {
        let start = Instant::now();
        let cpu_start = thread_cpu_us();
        op();
        cpu.push(thread_cpu_us() - cpu_start);
        wall.push(start.elapsed().as_secs_f64() * 1e6);
    }
    (median(&mut cpu), median(&mut wall))
}

/// CPU time consumed by the whole process (all threads), in seconds.
fn process_cpu_s() -> f64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime only writes the timespec we pass.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_PROCESS_CPUTIME_ID) failed");
    ts.tv_sec as f64 + ts.tv_nsec as f64 / 1e9
}

fn main() {
    let args = Args::parse();
    let name = args.str("name");
    let n = LweDimension(args.usize("n"));
    let k = GlweDimension(args.usize("k"));
    let big_n = PolynomialSize(args.usize("N"));
    let pbs_base = DecompositionBaseLog(args.usize("pbs-base"));
    let pbs_levels = DecompositionLevelCount(args.usize("pbs-levels"));
    let ks_base = DecompositionBaseLog(args.usize("ks-base"));
    let ks_levels = DecompositionLevelCount(args.usize("ks-levels"));
    let lwe_noise = Gaussian::from_dispersion_parameter(StandardDev(args.f64("lwe-std")), 0.0);
    let glwe_noise = Gaussian::from_dispersion_parameter(StandardDev(args.f64("glwe-std")), 0.0);
    let width = args.usize_or("width", 2);
    let warmup = args.usize_or("warmup", 5);
    let iters = args.usize_or("iters", 30);
    let modulus = CiphertextModulus::<u64>::new_native();

    let mut boxed_seeder = new_seeder();
    let seeder = boxed_seeder.as_mut();
    let mut secret_rng = SecretRandomGenerator::<DefaultRandomGenerator>::new(seeder.seed());
    let mut enc_rng = EncryptionRandomGenerator::<DefaultRandomGenerator>::new(seeder.seed(), seeder);

    // Key generation (timed as a whole: secret keys, BSK, Fourier conversion, KSK).
    let keygen_start = Instant::now();
    let small_sk: LweSecretKeyOwned<u64> = LweSecretKey::generate_new_binary(n, &mut secret_rng);
    let glwe_sk: GlweSecretKeyOwned<u64> =
        GlweSecretKey::generate_new_binary(k, big_n, &mut secret_rng);
    let big_sk = glwe_sk.clone().into_lwe_secret_key();
    let bsk = allocate_and_generate_new_lwe_bootstrap_key(
        &small_sk, &glwe_sk, pbs_base, pbs_levels, glwe_noise, modulus, &mut enc_rng,
    );
    let mut fourier_bsk = FourierLweBootstrapKey::new(
        bsk.input_lwe_dimension(),
        bsk.glwe_size(),
        bsk.polynomial_size(),
        bsk.decomposition_base_log(),
        bsk.decomposition_level_count(),
    );
    convert_standard_lwe_bootstrap_key_to_fourier(&bsk, &mut fourier_bsk);
    let ksk = allocate_and_generate_new_lwe_keyswitch_key(
        &big_sk, &small_sk, ks_base, ks_levels, lwe_noise, modulus, &mut enc_rng,
    );
    let keygen_ms = keygen_start.elapsed().as_secs_f64() * 1e3;
    let bsk_bytes = bsk.as_ref().len() * 8;
    let ksk_bytes = ksk.as_ref().len() * 8;
    drop(bsk);

    // One message of `width` bits with a padding bit; the LUT computes x² + 1 mod 2^width.
    let p = 1u64 << width;
    let delta = (1u64 << 63) / p;
    let message = 3 % p;
    let input = allocate_and_encrypt_new_lwe_ciphertext(
        &big_sk, Plaintext(message * delta), glwe_noise, modulus, &mut enc_rng,
    );
    let lut = generate_programmable_bootstrap_glwe_lut(
        big_n, k.to_glwe_size(), p as usize, modulus, delta, |x: u64| (x * x + 1) % p,
    );

    let fft = Fft::new(big_n);
    let fft = fft.as_view();
    let mut buffers = ComputationBuffers::new();
    buffers.resize(
        programmable_bootstrap_lwe_ciphertext_mem_optimized_requirement::<u64>(
            k.to_glwe_size(), big_n, fft,
        )
        .unaligned_bytes_required(),
    );

    let mut small_ct = LweCiphertext::new(0u64, n.to_lwe_size(), modulus);
    let mut out_ct = LweCiphertext::new(0u64, big_sk.lwe_dimension().to_lwe_size(), modulus);

    // Correctness check before timing.
    keyswitch_lwe_ciphertext(&ksk, &input, &mut small_ct);
    programmable_bootstrap_lwe_ciphertext_mem_optimized(
        &small_ct, &mut out_ct, &lut, &fourier_bsk, fft, buffers.stack(),
    );
    let decrypted = decrypt_lwe_ciphertext(&big_sk, &out_ct).0;
    let rounding = delta / 2;
    let got = (decrypted.wrapping_add(rounding) / delta) % p;
    let expected = (message * message + 1) % p;
    assert_eq!(got, expected, "tfhe-rs PBS decrypted {got}, expected {expected}");

    if args.0.get("mode").map(String::as_str) == Some("throughput") {
        let count = args.usize("count");
        let threads = args.usize("threads");
        let rounds = args.usize_or("rounds", 3);
        let inputs: Vec<_> = (0..count as u64)
            .map(|i| {
                allocate_and_encrypt_new_lwe_ciphertext(
                    &big_sk, Plaintext((i % p) * delta), glwe_noise, modulus, &mut enc_rng,
                )
            })
            .collect();
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        let requirement = programmable_bootstrap_lwe_ciphertext_mem_optimized_requirement::<u64>(
            k.to_glwe_size(), big_n, fft,
        )
        .unaligned_bytes_required();
        let big_size = big_sk.lwe_dimension().to_lwe_size();
        let run = |batch: &[LweCiphertextOwned<u64>]| -> Vec<LweCiphertextOwned<u64>> {
            pool.install(|| {
                batch
                    .par_iter()
                    .map_init(
                        || {
                            let mut b = ComputationBuffers::new();
                            b.resize(requirement);
                            (b, LweCiphertext::new(0u64, n.to_lwe_size(), modulus))
                        },
                        |(buf, small), ct| {
                            let mut out = LweCiphertext::new(0u64, big_size, modulus);
                            keyswitch_lwe_ciphertext(&ksk, ct, small);
                            programmable_bootstrap_lwe_ciphertext_mem_optimized(
                                small, &mut out, &lut, &fourier_bsk, fft, buf.stack(),
                            );
                            out
                        },
                    )
                    .collect()
            })
        };
        run(&inputs[..count.min(4 * threads)]);
        let mut wall = Vec::new();
        let mut cpu = Vec::new();
        let mut failures = 0usize;
        for r in 0..rounds {
            let c0 = process_cpu_s();
            let t0 = Instant::now();
            let outs = run(&inputs);
            wall.push(t0.elapsed().as_secs_f64());
            cpu.push(process_cpu_s() - c0);
            if r == 0 {
                // Count wrong decryptions (a per-lookup error probability near 2^-14 on some
                // sets makes one in thousands possible); more than 1 % fails the run.
                for (i, out) in outs.iter().enumerate() {
                    let x = i as u64 % p;
                    let d = decrypt_lwe_ciphertext(&big_sk, out).0;
                    if (d.wrapping_add(rounding) / delta) % p != (x * x + 1) % p {
                        failures += 1;
                    }
                }
                assert!(failures <= (count / 100).max(1), "tfhe-rs: {failures} of {count} wrong");
            }
        }
        let w = median(&mut wall);
        let c = median(&mut cpu);
        println!(
            "{{\"impl\":\"tfhe-rs\",\"mode\":\"throughput\",\"set\":\"{name}\",\"count\":{count},\"threads\":{threads},\"rounds\":{rounds},\"wall_s\":{w:.3},\"cpu_s\":{c:.3},\"pbs_per_s\":{:.2},\"bsk_bytes\":{bsk_bytes},\"ksk_bytes\":{ksk_bytes},\"failures\":{failures}}}",
            count as f64 / w
        );
        return;
    }

    let ks_us = time_median(warmup, iters, || {
        keyswitch_lwe_ciphertext(&ksk, &input, &mut small_ct);
    });
    let pbs_us = time_median(warmup, iters, || {
        programmable_bootstrap_lwe_ciphertext_mem_optimized(
            &small_ct, &mut out_ct, &lut, &fourier_bsk, fft, buffers.stack(),
        );
    });
    let ks_pbs_us = time_median(warmup, iters, || {
        keyswitch_lwe_ciphertext(&ksk, &input, &mut small_ct);
        programmable_bootstrap_lwe_ciphertext_mem_optimized(
            &small_ct, &mut out_ct, &lut, &fourier_bsk, fft, buffers.stack(),
        );
    });

    println!(
        "{{\"impl\":\"tfhe-rs\",\"set\":\"{name}\",\"iters\":{iters},\"ks_us\":{:.1},\"pbs_us\":{:.1},\"ks_pbs_us\":{:.1},\"ks_wall_us\":{:.1},\"pbs_wall_us\":{:.1},\"ks_pbs_wall_us\":{:.1},\"keygen_ms\":{keygen_ms:.1},\"bsk_bytes\":{bsk_bytes},\"ksk_bytes\":{ksk_bytes}}}",
        ks_us.0, pbs_us.0, ks_pbs_us.0, ks_us.1, pbs_us.1, ks_pbs_us.1
    );
}
