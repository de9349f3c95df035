//! What decides the kubelet's serving certificate: files, or bootstrap through the API.

use bulkhead_node::kubelet::fields::{SERVER_TLS_BOOTSTRAP, TLS_CERT_FILE, TLS_PRIVATE_KEY_FILE};
use bulkhead_node::kubelet::{Default, Field, Kubelet, Setting, SettingValue, Source};

/// The feature gate that lets `serverTLSBootstrap` request and rotate the serving
/// certificate (beta, on by default since Kubernetes 1.12). Only its pointer is used, to
/// report where a written gate was decided.
pub const ROTATE_SERVER_CERTIFICATE_GATE: Field = Field {
    config: "/featureGates/RotateKubeletServerCertificate",
    flag: None,
    config_default: Default::Bool(true),
    flag_default: Default::Bool(true),
};

/// The settings that decide where a kubelet's serving certificate comes from.
pub struct ServingCertificate<'a> {
    pub cert: Setting<'a>,
    pub key: Setting<'a>,
    pub bootstrap: Setting<'a>,
    /// The gate as written, if it is: `None` means on (its default).
    pub gate: Option<Setting<'a>>,
}

impl<'a> ServingCertificate<'a> {
    pub fn of(kubelet: &Kubelet<'a>) -> Self {
        ServingCertificate {
            cert: kubelet.setting(&TLS_CERT_FILE),
            key: kubelet.setting(&TLS_PRIVATE_KEY_FILE),
            bootstrap: kubelet.setting(&SERVER_TLS_BOOTSTRAP),
            gate: kubelet
                .feature_gate("RotateKubeletServerCertificate")
                .map(|(value, source)| Setting {
                    value: SettingValue::Bool(value),
                    source,
                }),
        }
    }

    /// `serverTLSBootstrap` is on.
    pub fn bootstrap_requested(&self) -> bool {
        self.bootstrap.value.as_bool() == Some(true)
    }

    /// The gate is off (written as false).
    pub fn gate_disabled(&self) -> bool {
        self.gate
            .as_ref()
            .is_some_and(|g| g.value.as_bool() == Some(false))
    }

    /// The kubelet requests its serving certificate from the API server and rotates it.
    pub fn bootstrapped(&self) -> bool {
        self.bootstrap_requested() && !self.gate_disabled()
    }

    /// Both `tlsCertFile` and `tlsPrivateKeyFile` name files.
    pub fn from_files(&self) -> bool {
        is_set(&self.cert) && is_set(&self.key)
    }

    /// The first of the settings that took its default (an unscanned config file might
    /// have decided it instead).
    pub fn first_default(&self) -> Option<&Setting<'a>> {
        [&self.cert, &self.key, &self.bootstrap]
            .into_iter()
            .find(|s| matches!(s.source, Source::Default))
    }
}

pub fn is_set(setting: &Setting<'_>) -> bool {
    setting
        .value
        .as_text()
        .is_some_and(|t| !t.trim().is_empty())
}
