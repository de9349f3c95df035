use bulkhead_model::{load_text, Inventory, Limits, Object};

use super::fields::*;
use super::*;

fn objects(files: &[(&str, &str)]) -> Inventory {
    let mut all: Vec<Object> = Vec::new();
    for (path, text) in files {
        let loaded = load_text(path, text, &Limits::default());
        assert!(loaded.errors.is_empty(), "{path}: {:?}", loaded.errors);
        all.extend(loaded.objects);
    }
    Inventory::new(all)
}

const PROCESS: &str = "apiVersion: node.bulkhead.dev/v1\nkind: Process\nmetadata: {name: kubelet}\nspec:\n  pid: 9\n  command:\n  - /usr/bin/kubelet\n";

fn process(flags: &[&str]) -> String {
    let mut text = PROCESS.to_string();
    for f in flags {
        text.push_str(&format!("  - \"{f}\"\n"));
    }
    text
}

const CONFIG: &str = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n";

#[test]
fn flags_beat_drop_ins_which_beat_the_config_file() {
    let inv = objects(&[
        (
            "/proc/9/cmdline",
            &process(&[
                "--config=/var/lib/kubelet/config.yaml",
                "--config-dir=/etc/kubelet.conf.d",
                "--read-only-port=10255",
            ]),
        ),
        (
            "/var/lib/kubelet/config.yaml",
            &format!("{CONFIG}readOnlyPort: 0\nauthentication:\n  anonymous:\n    enabled: true\nauthorization:\n  mode: AlwaysAllow\n"),
        ),
        (
            "/etc/kubelet.conf.d/20-late.conf",
            &format!("{CONFIG}authentication:\n  anonymous:\n    enabled: false\n"),
        ),
        (
            "/etc/kubelet.conf.d/10-early.conf",
            &format!("{CONFIG}authentication:\n  anonymous:\n    enabled: true\n"),
        ),
        (
            "/etc/kubelet.conf.d/ignored.yaml",
            &format!("{CONFIG}authorization:\n  mode: Webhook\n"),
        ),
    ]);
    let kubelets = Kubelet::resolve(&inv);
    assert_eq!(kubelets.len(), 1, "the drop-ins belong to the kubelet");
    let k = &kubelets[0];
    let names: Vec<&str> = k
        .drop_ins
        .iter()
        .map(|o| o.origin.file.path.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "/etc/kubelet.conf.d/10-early.conf",
            "/etc/kubelet.conf.d/20-late.conf"
        ]
    );

    let port = k.setting(&READ_ONLY_PORT);
    assert_eq!(port.value.as_i64(), Some(10255));
    assert!(matches!(port.source, Source::Flag { .. }));

    let anonymous = k.setting(&ANONYMOUS_AUTH);
    assert_eq!(anonymous.value.as_bool(), Some(false));
    let (object, pointer, said) = k.locate(&ANONYMOUS_AUTH, &anonymous);
    assert_eq!(object.origin.file.path, "/etc/kubelet.conf.d/20-late.conf");
    assert_eq!(pointer, "/authentication/anonymous/enabled");
    assert!(said.contains("drop-in"), "{said}");

    let mode = k.setting(&AUTHORIZATION_MODE);
    assert_eq!(mode.value.as_text(), Some("AlwaysAllow"));
    assert!(matches!(mode.source, Source::Config { .. }));
}

#[test]
fn unset_settings_take_the_defaults_of_the_mode() {
    let with_config = objects(&[
        (
            "/proc/9/cmdline",
            &process(&["--config", "/etc/k/config.yaml"]),
        ),
        ("/etc/k/config.yaml", CONFIG),
    ]);
    let k = &Kubelet::resolve(&with_config)[0];
    assert!(k.config.is_some(), "`--config PATH` form is followed too");
    let anonymous = k.setting(&ANONYMOUS_AUTH);
    assert_eq!(anonymous.value, SettingValue::Bool(false));
    assert!(matches!(anonymous.source, Source::Default));
    let (object, pointer, said) = k.locate(&ANONYMOUS_AUTH, &anonymous);
    assert_eq!(object.origin.file.path, "/etc/k/config.yaml");
    assert_eq!(pointer, "/authentication/anonymous/enabled");
    assert_eq!(said, "not set; the default is false");

    let flags_only = objects(&[(
        "/proc/9/cmdline",
        &process(&["--kubeconfig=/etc/kubernetes/kubelet.conf"]),
    )]);
    let k = &Kubelet::resolve(&flags_only)[0];
    assert_eq!(k.setting(&ANONYMOUS_AUTH).value, SettingValue::Bool(true));
    assert_eq!(
        k.setting(&AUTHORIZATION_MODE).value.as_text(),
        Some("AlwaysAllow")
    );
    assert_eq!(k.setting(&READ_ONLY_PORT).value.as_i64(), Some(10255));
    let (object, pointer, _) = k.locate(&READ_ONLY_PORT, &k.setting(&READ_ONLY_PORT));
    assert_eq!(object.kind, "Process");
    assert_eq!(pointer, "/spec/command");
}

#[test]
fn a_config_file_no_command_line_names_is_a_kubelet_of_its_own() {
    let inv = objects(&[(
        "config.yaml",
        &format!("{CONFIG}featureGates:\n  RotateKubeletServerCertificate: false\nauthentication:\n  x509:\n    clientCAFile: /etc/kubernetes/pki/ca.crt\n"),
    )]);
    let kubelets = Kubelet::resolve(&inv);
    assert_eq!(kubelets.len(), 1);
    let k = &kubelets[0];
    assert!(k.command_line.is_none());
    assert_eq!(
        k.setting(&CLIENT_CA_FILE).value.as_text(),
        Some("/etc/kubernetes/pki/ca.crt")
    );
    let (value, source) = k.feature_gate("RotateKubeletServerCertificate").unwrap();
    assert!(!value);
    assert!(matches!(source, Source::Config { .. }));
    assert!(k.feature_gate("Other").is_none());
}

#[test]
fn a_bare_boolean_flag_is_true() {
    let inv = objects(&[("/proc/9/cmdline", &process(&["--anonymous-auth"]))]);
    let k = &Kubelet::resolve(&inv)[0];
    assert_eq!(k.setting(&ANONYMOUS_AUTH).value.as_bool(), Some(true));
}

#[test]
fn defaults_that_differ_between_modes_say_so() {
    let flags_only = objects(&[("/proc/9/cmdline", &process(&[]))]);
    let k = &Kubelet::resolve(&flags_only)[0];
    assert!(!k.uses_config_file());
    assert_eq!(
        k.setting(&WEBHOOK_AUTHENTICATION).value.as_bool(),
        Some(false)
    );
    let mode = k.setting(&AUTHORIZATION_MODE);
    let (_, _, said) = k.locate(&AUTHORIZATION_MODE, &mode);
    assert_eq!(
        said,
        "not set; the default is AlwaysAllow — the kubelet runs without a config file"
    );
    // A default shared by both modes needs no explanation.
    let chains = k.setting(&MAKE_IPTABLES_UTIL_CHAINS);
    assert_eq!(chains.value.as_bool(), Some(true));
    let (_, _, said) = k.locate(&MAKE_IPTABLES_UTIL_CHAINS, &chains);
    assert_eq!(said, "not set; the default is true");

    let config_only = objects(&[("config.yaml", CONFIG)]);
    let k = &Kubelet::resolve(&config_only)[0];
    assert_eq!(
        k.setting(&WEBHOOK_AUTHENTICATION).value.as_bool(),
        Some(true)
    );
    assert_eq!(k.setting(&READ_ONLY_PORT).value.as_i64(), Some(0));
    assert_eq!(
        k.setting(&AUTHORIZATION_MODE).value.as_text(),
        Some("Webhook")
    );
}

#[test]
fn defaults_shared_by_both_modes() {
    let flags_only = objects(&[("/proc/9/cmdline", &process(&[]))]);
    let config_only = objects(&[("config.yaml", CONFIG)]);
    for inv in [&flags_only, &config_only] {
        let k = &Kubelet::resolve(inv)[0];
        assert_eq!(k.setting(&ROTATE_CERTIFICATES).value.as_bool(), Some(false));
        assert_eq!(
            k.setting(&SERVER_TLS_BOOTSTRAP).value.as_bool(),
            Some(false)
        );
        assert_eq!(k.setting(&SECCOMP_DEFAULT).value.as_bool(), Some(false));
        assert_eq!(k.setting(&POD_PIDS_LIMIT).value.as_i64(), Some(-1));
        assert_eq!(k.setting(&EVENT_RECORD_QPS).value.as_i64(), Some(50));
        assert_eq!(
            k.setting(&STREAMING_CONNECTION_IDLE_TIMEOUT)
                .value
                .as_duration(),
            Some(14400.0)
        );
        assert!(k.setting(&TLS_CIPHER_SUITES).value.is_unset());
    }
}

#[test]
fn a_zero_duration_in_the_config_file_is_defaulted_but_not_on_the_flag() {
    for written in ["0", "\"0\"", "0s", "\"0s\""] {
        let inv = objects(&[(
            "config.yaml",
            &format!("{CONFIG}streamingConnectionIdleTimeout: {written}\n"),
        )]);
        let k = &Kubelet::resolve(&inv)[0];
        let timeout = k.setting(&STREAMING_CONNECTION_IDLE_TIMEOUT);
        assert_eq!(timeout.value.as_duration(), Some(14400.0), "{written}");
        assert!(matches!(timeout.source, Source::Config { .. }));
    }
    let inv = objects(&[(
        "config.yaml",
        &format!("{CONFIG}streamingConnectionIdleTimeout: 4h0m0s\n"),
    )]);
    let k = &Kubelet::resolve(&inv)[0];
    assert_eq!(
        k.setting(&STREAMING_CONNECTION_IDLE_TIMEOUT)
            .value
            .as_duration(),
        Some(14400.0)
    );

    for written in ["0", "0s"] {
        let inv = objects(&[(
            "/proc/9/cmdline",
            &process(&[&format!("--streaming-connection-idle-timeout={written}")]),
        )]);
        let k = &Kubelet::resolve(&inv)[0];
        assert_eq!(
            k.setting(&STREAMING_CONNECTION_IDLE_TIMEOUT)
                .value
                .as_duration(),
            Some(0.0)
        );
    }
}

#[test]
fn an_empty_authorization_mode_and_null_fields_take_the_default() {
    let inv = objects(&[(
        "config.yaml",
        &format!("{CONFIG}authorization:\n  mode: \"\"\nauthentication:\n  anonymous:\n    enabled: null\n"),
    )]);
    let k = &Kubelet::resolve(&inv)[0];
    assert_eq!(
        k.setting(&AUTHORIZATION_MODE).value.as_text(),
        Some("Webhook")
    );
    let anonymous = k.setting(&ANONYMOUS_AUTH);
    assert_eq!(anonymous.value.as_bool(), Some(false));
    assert!(matches!(anonymous.source, Source::Default));
}

#[test]
fn a_config_file_that_was_not_scanned_is_named() {
    let inv = objects(&[(
        "/proc/9/cmdline",
        &process(&["--config=/var/lib/kubelet/config.yaml"]),
    )]);
    let k = &Kubelet::resolve(&inv)[0];
    assert!(k.uses_config_file());
    assert_eq!(
        k.missing_config().map(|a| a.text()),
        Some("/var/lib/kubelet/config.yaml")
    );
    let inv = objects(&[
        (
            "/proc/9/cmdline",
            &process(&["--config=/var/lib/kubelet/config.yaml"]),
        ),
        ("/var/lib/kubelet/config.yaml", CONFIG),
    ]);
    assert!(Kubelet::resolve(&inv)[0].missing_config().is_none());
}

#[test]
fn drop_ins_in_subdirectories_apply_in_the_order_the_kubelet_walks_them() {
    let inv = objects(&[
        (
            "/proc/9/cmdline",
            &process(&["--config-dir=/etc/kubelet.conf.d/"]),
        ),
        (
            "/etc/kubelet.conf.d/a.conf",
            &format!("{CONFIG}readOnlyPort: 10255\n"),
        ),
        (
            "/etc/kubelet.conf.d/a/x.conf",
            &format!("{CONFIG}readOnlyPort: 0\n"),
        ),
        (
            "/etc/kubelet.conf.d/a/notes.txt",
            &format!("{CONFIG}readOnlyPort: 1\n"),
        ),
    ]);
    let kubelets = Kubelet::resolve(&inv);
    assert_eq!(
        kubelets.len(),
        1,
        "every file under the directory belongs to it"
    );
    let k = &kubelets[0];
    let names: Vec<&str> = k
        .drop_ins
        .iter()
        .map(|o| o.origin.file.path.as_str())
        .collect();
    assert_eq!(
        names,
        ["/etc/kubelet.conf.d/a/x.conf", "/etc/kubelet.conf.d/a.conf"]
    );
    // Drop-ins alone make a config-file kubelet; the last one walked wins.
    assert!(k.uses_config_file());
    let port = k.setting(&READ_ONLY_PORT);
    assert_eq!(port.value.as_i64(), Some(10255));
    assert!(matches!(port.source, Source::DropIn { .. }));
}

#[test]
fn a_zero_in_a_drop_in_is_not_defaulted() {
    // Drop-ins are merged onto the defaulted config file, so their zero values stay.
    let inv = objects(&[
        (
            "/proc/9/cmdline",
            &process(&["--config=/c.yaml", "--config-dir=/d"]),
        ),
        (
            "/c.yaml",
            &format!("{CONFIG}streamingConnectionIdleTimeout: 0s\n"),
        ),
        (
            "/d/10.conf",
            &format!("{CONFIG}streamingConnectionIdleTimeout: 0s\n"),
        ),
    ]);
    let k = &Kubelet::resolve(&inv)[0];
    let timeout = k.setting(&STREAMING_CONNECTION_IDLE_TIMEOUT);
    assert_eq!(timeout.value.as_duration(), Some(0.0));
    assert!(matches!(timeout.source, Source::DropIn { .. }));
}

#[test]
fn repeated_cipher_suite_flags_accumulate() {
    let inv = objects(&[(
        "/proc/9/cmdline",
        &process(&[
            "--tls-cipher-suites=TLS_RSA_WITH_AES_128_CBC_SHA",
            "--tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        ]),
    )]);
    let k = &Kubelet::resolve(&inv)[0];
    assert_eq!(
        k.setting(&TLS_CIPHER_SUITES).value.items(),
        [
            "TLS_RSA_WITH_AES_128_CBC_SHA",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
        ]
    );
}
