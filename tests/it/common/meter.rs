//! Levels and loudness, measured here independently of podgen: RMS, the
//! active level its levelling works by, and a BS.1770 loudness meter
//! written here, independent of the ebur128 crate podgen measures with
//! (`loudness.rs` checks it on the standard's calibration tone).

/// The RMS of `s`.
pub fn rms(s: &[f32]) -> f32 {
    if s.is_empty() {
        return 0.0;
    }
    (s.iter().map(|x| x * x).sum::<f32>() / s.len() as f32).sqrt()
}

/// `x` in dB below full scale.
pub fn dbfs(x: f32) -> f32 {
    20.0 * x.max(1e-10).log10()
}

/// RMS in dBFS of the 10 ms windows above −45 dBFS: the level measure
/// podgen's levelling works by, computed here independently.
pub fn active_dbfs(samples: &[f32], rate: u32) -> f32 {
    let gate = 10f32.powf(-45.0 / 20.0);
    let loud: Vec<f32> = samples
        .chunks((rate as usize / 100).max(1))
        .filter(|w| rms(w) > gate)
        .flat_map(|w| w.iter().copied())
        .collect();
    dbfs(rms(&loud))
}

/// One biquad section, direct form I.
struct Biquad {
    b: [f64; 3],
    a: [f64; 2],
    x: [f64; 2],
    y: [f64; 2],
}

impl Biquad {
    fn run(&mut self, x0: f64) -> f64 {
        let y0 = self.b[0] * x0 + self.b[1] * self.x[0] + self.b[2] * self.x[1]
            - self.a[0] * self.y[0]
            - self.a[1] * self.y[1];
        self.x = [x0, self.x[0]];
        self.y = [y0, self.y[0]];
        y0
    }
}

/// The K-weighting filters of ITU-R BS.1770 for any rate (the analogue
/// prototype libebur128 and pyloudnorm use).
fn k_weighting(rate: f64) -> [Biquad; 2] {
    let (f0, g, q) = (1681.974450955533, 3.999843853973347, 0.7071752369554196);
    let k = (std::f64::consts::PI * f0 / rate).tan();
    let vh = 10f64.powf(g / 20.0);
    let vb = vh.powf(0.4996667741545416);
    let a0 = 1.0 + k / q + k * k;
    let shelf = Biquad {
        b: [
            (vh + vb * k / q + k * k) / a0,
            2.0 * (k * k - vh) / a0,
            (vh - vb * k / q + k * k) / a0,
        ],
        a: [2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0],
        x: [0.0; 2],
        y: [0.0; 2],
    };
    let (f0, q) = (38.13547087602444, 0.5003270373238773);
    let k = (std::f64::consts::PI * f0 / rate).tan();
    let a0 = 1.0 + k / q + k * k;
    let highpass = Biquad {
        b: [1.0, -2.0, 1.0],
        a: [2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0],
        x: [0.0; 2],
        y: [0.0; 2],
    };
    [shelf, highpass]
}

/// Integrated loudness (LUFS) of a mono signal: 400 ms blocks with 75%
/// overlap, absolute gate -70 LUFS, relative gate -10 LU.
pub fn integrated_lufs(samples: &[f32], rate: u32) -> f64 {
    integrated_lufs_interleaved(samples, 1, rate)
}

/// Integrated loudness (LUFS) of interleaved `channels` (each weighted 1,
/// as BS.1770 weights left and right).
pub fn integrated_lufs_interleaved(samples: &[f32], channels: usize, rate: u32) -> f64 {
    let frames = samples.len() / channels;
    // Per frame, the K-weighted power summed over the channels.
    let mut power = vec![0f64; frames];
    for c in 0..channels {
        let [mut s1, mut s2] = k_weighting(f64::from(rate));
        for (i, p) in power.iter_mut().enumerate() {
            let v = s2.run(s1.run(f64::from(samples[i * channels + c])));
            *p += v * v;
        }
    }
    let block = (rate as usize * 4) / 10;
    let step = block / 4;
    let mut powers = Vec::new();
    let mut start = 0;
    while start + block <= power.len() {
        powers.push(power[start..start + block].iter().sum::<f64>() / block as f64);
        start += step;
    }
    let lufs = |p: f64| -0.691 + 10.0 * p.log10();
    let above: Vec<f64> = powers
        .iter()
        .copied()
        .filter(|p| lufs(*p) > -70.0)
        .collect();
    let relative = lufs(above.iter().sum::<f64>() / above.len() as f64) - 10.0;
    let gated: Vec<f64> = above.into_iter().filter(|p| lufs(*p) > relative).collect();
    lufs(gated.iter().sum::<f64>() / gated.len() as f64)
}
