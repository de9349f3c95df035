//! Control-plane and node components and their command lines, wherever they were written.
//!
//! The same API-server checks run on a kubeadm static Pod (`command:` of its container), on
//! a running process (`/proc/<pid>/cmdline`, as a `Process` object) and on command lines
//! rebuilt from systemd units (`Arguments` objects whose words point into the unit and
//! environment files). [`command_lines`] finds them all in an inventory.

use bulkhead_model::{pointer, Inventory, Node, Object, PodSpec};

use crate::args::{parse_args, Arg, RawArg};
use crate::NODE_API_VERSION;

/// The programs whose configuration the CIS benchmark judges.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Component {
    ApiServer,
    ControllerManager,
    Scheduler,
    Etcd,
    Kubelet,
    KubeProxy,
}

impl Component {
    pub const ALL: [Component; 6] = [
        Component::ApiServer,
        Component::ControllerManager,
        Component::Scheduler,
        Component::Etcd,
        Component::Kubelet,
        Component::KubeProxy,
    ];

    /// The program name (also the `component` label of kubeadm's static Pods).
    pub fn program(self) -> &'static str {
        match self {
            Component::ApiServer => "kube-apiserver",
            Component::ControllerManager => "kube-controller-manager",
            Component::Scheduler => "kube-scheduler",
            Component::Etcd => "etcd",
            Component::Kubelet => "kubelet",
            Component::KubeProxy => "kube-proxy",
        }
    }

    /// Recognises a program path or name (`/usr/local/bin/kube-apiserver`, `kubelet`).
    pub fn from_program(path: &str) -> Option<Component> {
        let name = path.rsplit('/').next().unwrap_or(path);
        Component::ALL.into_iter().find(|c| c.program() == name)
    }

    /// Whether it runs on control-plane nodes only.
    pub fn is_control_plane(self) -> bool {
        !matches!(self, Component::Kubelet | Component::KubeProxy)
    }
}

/// One component's command line, parsed, with the objects it was read from.
#[derive(Clone, Debug)]
pub struct CommandLine<'a> {
    pub component: Component,
    /// The objects the words came from; [`Arg::source`] indexes this list. The first is
    /// where a missing flag is reported.
    pub sources: Vec<&'a Object>,
    /// Pointer (in the first source) to the list of words: where "not set" points.
    pub anchor: String,
    /// Every flag, in command-line order (repeated flags appear repeatedly).
    pub args: Vec<Arg>,
    /// What the command line was read from: `static Pod`, `process`, `systemd unit`.
    pub origin: &'static str,
    /// The image of the container, for a Pod (its tag tells the version).
    pub image: Option<&'a str>,
}

impl<'a> CommandLine<'a> {
    /// The last occurrence of a flag: the one a component honours for a scalar flag.
    pub fn flag(&self, name: &str) -> Option<&Arg> {
        self.args.iter().rev().find(|a| a.name == name)
    }

    /// Every occurrence of a flag, in order.
    pub fn occurrences<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Arg> + 's {
        self.args.iter().filter(move |a| a.name == name)
    }

    /// The items of a list flag (`--enable-admission-plugins=A,B`). List flags accumulate
    /// over repetitions in pflag, so every occurrence contributes, in order; items are
    /// trimmed and empty ones dropped.
    pub fn list(&self, name: &str) -> Vec<(String, &Arg)> {
        self.args
            .iter()
            .filter(|a| a.name == name)
            .flat_map(|arg| {
                arg.text()
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(move |s| (s.to_string(), arg))
            })
            .collect()
    }

    /// A feature gate's value from `--feature-gates=Name=true,Other=false` (all occurrences,
    /// the last setting wins), with the flag that set it.
    pub fn feature_gate(&self, gate: &str) -> Option<(bool, &Arg)> {
        let mut found = None;
        for arg in self.occurrences("feature-gates") {
            for item in arg.text().split(',') {
                if let Some((name, value)) = item.trim().split_once('=') {
                    if name.trim() == gate {
                        if let Some(b) = crate::args::parse_bool(value.trim()) {
                            found = Some((b, arg));
                        }
                    }
                }
            }
        }
        found
    }

    /// The object a flag was read from.
    pub fn object_of(&self, arg: &Arg) -> &'a Object {
        self.sources[arg.source]
    }

    /// The object where a missing flag is reported.
    pub fn object(&self) -> &'a Object {
        self.sources[0]
    }

    /// The program's version from its image tag (`registry.k8s.io/kube-apiserver:v1.31.2`).
    pub fn image_version(&self) -> Option<&'a str> {
        let image = self.image?;
        let image = image.split('@').next().unwrap_or(image);
        let tag = image.rsplit_once(':')?.1;
        (!tag.contains('/')).then_some(tag)
    }
}

/// Every component command line in the inventory: containers of Pods and workloads that run
/// a component, `Process` objects, and `Arguments` objects grouped per component (a
/// component with a running process is judged by that process, not by rebuilt systemd
/// arguments; a component with a static Pod by the Pod, not by the process started from it).
pub fn command_lines(inventory: &Inventory) -> Vec<CommandLine<'_>> {
    let mut lines = Vec::new();
    for object in inventory.objects() {
        if object.api_version == NODE_API_VERSION {
            if object.kind == "Process" {
                lines.extend(from_process(object));
            }
            continue;
        }
        lines.extend(from_pod(object));
    }
    // On a kubeadm node a control-plane component is both a static Pod and the process the
    // kubelet started from it, with the same flags: judge the manifest (its locations are the
    // file to edit), not the same flags twice. A process whose flags differ is another
    // instance (or a manifest not yet applied) and is judged on its own.
    let static_pods: Vec<(Component, FlagValues)> = lines
        .iter()
        .filter(|l| l.origin == "static Pod" && l.object().kind == "Pod")
        .map(|l| (l.component, flag_values(l)))
        .collect();
    lines.retain(|l| {
        l.origin != "process"
            || !static_pods
                .iter()
                .any(|(c, flags)| *c == l.component && *flags == flag_values(l))
    });
    let running: Vec<Component> = lines
        .iter()
        .filter(|l| l.origin == "process")
        .map(|l| l.component)
        .collect();
    for component in Component::ALL {
        if running.contains(&component) {
            continue;
        }
        if let Some(line) = from_arguments(inventory, component) {
            lines.push(line);
        }
    }
    lines
}

/// A command line's flags as (name, value), in order.
type FlagValues = Vec<(String, Option<String>)>;

/// A command line's flags, for telling two readings of one instance apart.
fn flag_values(line: &CommandLine<'_>) -> FlagValues {
    line.args
        .iter()
        .map(|a| (a.name.clone(), a.value.clone()))
        .collect()
}

/// The command lines of one component.
pub fn command_lines_of(inventory: &Inventory, component: Component) -> Vec<CommandLine<'_>> {
    command_lines(inventory)
        .into_iter()
        .filter(|l| l.component == component)
        .collect()
}

fn words_of<'a>(node: Option<&'a Node>, base: &str, source: usize) -> Vec<RawArg<'a>> {
    node.map(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .enumerate()
        .filter_map(|(i, n)| {
            Some(RawArg {
                text: n.as_str()?,
                pointer: format!("{base}/{i}"),
                source,
            })
        })
        .collect()
}

fn from_pod(object: &Object) -> Vec<CommandLine<'_>> {
    let Some(pod) = PodSpec::of(object) else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    for container in pod.containers() {
        let command = container.node.get("command");
        let command_words = words_of(command, &format!("{}/command", container.pointer), 0);
        let args_words = words_of(
            container.node.get("args"),
            &format!("{}/args", container.pointer),
            0,
        );
        let image = container.image();
        // The program: the command's first word (or the second after `hyperkube`), else the
        // image's name when only `args` are given.
        let mut words: Vec<RawArg<'_>> = command_words.into_iter().chain(args_words).collect();
        let component = match words.first().and_then(|w| Component::from_program(w.text)) {
            Some(c) => {
                words.remove(0);
                Some(c)
            }
            None if words.first().is_some_and(|w| w.text.ends_with("hyperkube")) => {
                let c = words.get(1).and_then(|w| Component::from_program(w.text));
                if c.is_some() {
                    words.drain(..2);
                }
                c
            }
            None if command.is_none() => image.and_then(image_component),
            None => None,
        };
        let Some(component) = component else {
            continue;
        };
        if !runs_cluster_component(object, component) {
            continue;
        }
        let anchor = if command.is_some() {
            format!("{}/command", container.pointer)
        } else {
            format!("{}/args", container.pointer)
        };
        lines.push(CommandLine {
            component,
            sources: vec![object],
            anchor,
            args: parse_args(Some(component), &words),
            origin: "static Pod",
            image,
        });
    }
    lines
}

/// How components are recognised, in words: the section `bulkhead explain` prints for every
/// control-plane check. It states what [`command_lines`] and [`runs_cluster_component`] do;
/// the tests below hold each sentence to the code.
pub const RECOGNITION: &str = "\
A check of component flags judges every command line of that component found in the inputs:

- **Pods and workloads that run the component's program**: the first word of a container's \
`command` names the program (`kube-apiserver`, `/usr/local/bin/etcd`, or the word after \
`hyperkube`); a container with only `args` is recognised by its image name \
(`registry.k8s.io/kube-apiserver:v1.31.0`). Such a container counts as the cluster's own \
component only when its object is a static or mirror Pod (a Pod without a namespace, as \
read from `/etc/kubernetes/manifests`), or any object in `kube-system` (kubeadm's mirror \
Pods, hosted control planes), or runs kube-proxy (a kube-proxy DaemonSet in any namespace). \
An application's own etcd in its namespace is not the cluster's etcd and is not judged.
- **Processes** (`Process` objects written by `bulkhead node collect`, from \
`/proc/<pid>/cmdline`). A process with the same flags as a static Pod of the same component \
is the one the kubelet started from that Pod and is judged once, at the manifest.
- **systemd units** (`Arguments` objects written by `bulkhead node collect`), merged in \
command-line order, only when no process of that component was collected.

Configuration files the API server reads (encryption configuration, audit policy) are judged \
as the objects of their kinds in the inputs. When no command line of a component is found, \
its flag checks report nothing for it: the component was not scanned.
";

/// Whether a workload running a component's program is the cluster's own: a static or mirror
/// Pod (no namespace, or kube-system), anything in kube-system (hosted control planes), or a
/// kube-proxy DaemonSet. An application's own etcd in its namespace is not the cluster's etcd,
/// and the CIS etcd recommendations do not apply to it.
fn runs_cluster_component(object: &Object, component: Component) -> bool {
    let system = match object.namespace.as_deref() {
        None => object.kind == "Pod",
        Some(ns) => ns == "kube-system",
    };
    system || component == Component::KubeProxy
}

/// `registry.k8s.io/kube-apiserver:v1.31.0` → the API server.
fn image_component(image: &str) -> Option<Component> {
    let without_digest = image.split('@').next().unwrap_or(image);
    let name = without_digest.rsplit('/').next().unwrap_or(without_digest);
    let name = name.split(':').next().unwrap_or(name);
    Component::from_program(name.strip_suffix("-amd64").unwrap_or(name))
}

fn from_process(object: &Object) -> Option<CommandLine<'_>> {
    let command = object.root.path(&["spec", "command"]);
    let words = words_of(command, "/spec/command", 0);
    let component = words
        .first()
        .and_then(|w| Component::from_program(w.text))
        .or_else(|| Component::from_program(&object.name))?;
    Some(CommandLine {
        component,
        sources: vec![object],
        anchor: "/spec/command".to_string(),
        args: parse_args(Some(component), words.get(1..).unwrap_or(&[])),
        origin: "process",
        image: None,
    })
}

/// `Arguments` objects (`metadata.name` = the program) hold words of a command line rebuilt
/// from systemd files, each with `spec.positions` giving every word's place in the final
/// command line; the words of all files are merged in that order.
fn from_arguments(inventory: &Inventory, component: Component) -> Option<CommandLine<'_>> {
    let sources: Vec<&Object> = inventory
        .of_kind("Arguments")
        .filter(|o| o.api_version == NODE_API_VERSION && o.name == component.program())
        .collect();
    if sources.is_empty() {
        return None;
    }
    let mut placed: Vec<(i64, RawArg<'_>)> = Vec::new();
    for (index, object) in sources.iter().enumerate() {
        let words = words_of(object.root.path(&["spec", "args"]), "/spec/args", index);
        let positions = object
            .root
            .path(&["spec", "positions"])
            .map(Node::as_seq)
            .unwrap_or(&[]);
        for (i, word) in words.into_iter().enumerate() {
            let position = positions.get(i).and_then(Node::as_i64).unwrap_or(i as i64);
            placed.push((position, word));
        }
    }
    placed.sort_by_key(|(p, _)| *p);
    let words: Vec<RawArg<'_>> = placed.into_iter().map(|(_, w)| w).collect();
    let anchor = pointer(["spec", "args"]);
    Some(CommandLine {
        component,
        sources,
        anchor,
        args: parse_args(Some(component), &words),
        origin: "systemd unit",
        image: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use bulkhead_model::{load_text, Limits};

    fn inventory(text: &str) -> Inventory {
        let loaded = load_text("t.yaml", text, &Limits::default());
        assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
        Inventory::new(loaded.objects)
    }

    #[test]
    fn a_static_pod_command_is_a_component_command_line() {
        let inv = inventory(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: kube-apiserver-cp, namespace: kube-system}\nspec:\n  containers:\n  - name: kube-apiserver\n    image: registry.k8s.io/kube-apiserver:v1.31.2\n    command:\n    - kube-apiserver\n    - --anonymous-auth=false\n    - --authorization-mode=Node,RBAC\n",
        );
        let lines = command_lines(&inv);
        assert_eq!(lines.len(), 1);
        let line = &lines[0];
        assert_eq!(line.component, Component::ApiServer);
        assert_eq!(line.anchor, "/spec/containers/0/command");
        assert_eq!(line.flag("anonymous-auth").unwrap().as_bool(), Some(false));
        assert_eq!(
            line.flag("authorization-mode").unwrap().pointer,
            "/spec/containers/0/command/2"
        );
        let modes: Vec<String> = line
            .list("authorization-mode")
            .into_iter()
            .map(|(m, _)| m)
            .collect();
        assert_eq!(modes, ["Node", "RBAC"]);
        assert_eq!(line.image_version(), Some("v1.31.2"));
        let pinned = CommandLine {
            image: Some("registry.k8s.io/kube-apiserver:v1.35.1@sha256:0123abcd"),
            ..line.clone()
        };
        assert_eq!(pinned.image_version(), Some("v1.35.1"));
        let untagged = CommandLine {
            image: Some("localhost:5000/kube-apiserver"),
            ..line.clone()
        };
        assert_eq!(untagged.image_version(), None);
    }

    #[test]
    fn args_only_containers_are_recognised_by_image() {
        let inv = inventory(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: etcd}\nspec:\n  containers:\n  - name: main\n    image: registry.k8s.io/etcd:3.5.15-0\n    args: [--client-cert-auth, --data-dir=/var/lib/etcd]\n",
        );
        let lines = command_lines(&inv);
        assert_eq!(lines[0].component, Component::Etcd);
        assert_eq!(
            lines[0].flag("client-cert-auth").unwrap().as_bool(),
            Some(true)
        );
        assert_eq!(lines[0].anchor, "/spec/containers/0/args");
    }

    #[test]
    fn a_process_object_is_a_command_line_and_feature_gates_are_read() {
        let inv = inventory(
            "apiVersion: node.bulkhead.dev/v1\nkind: Process\nmetadata: {name: kube-controller-manager}\nspec:\n  pid: 42\n  command:\n  - /usr/local/bin/kube-controller-manager\n  - --feature-gates=A=true,RotateKubeletServerCertificate=false\n",
        );
        let lines = command_lines(&inv);
        assert_eq!(lines[0].component, Component::ControllerManager);
        assert_eq!(lines[0].origin, "process");
        let (value, arg) = lines[0]
            .feature_gate("RotateKubeletServerCertificate")
            .unwrap();
        assert!(!value);
        assert_eq!(arg.pointer, "/spec/command/1");
    }

    #[test]
    fn arguments_objects_merge_in_command_line_order() {
        let inv = inventory(
            "apiVersion: node.bulkhead.dev/v1\nkind: Arguments\nmetadata: {name: kubelet}\nspec:\n  args: [--read-only-port=10255]\n  positions: [3]\n---\napiVersion: node.bulkhead.dev/v1\nkind: Arguments\nmetadata: {name: kubelet}\nspec:\n  args: [--config=/var/lib/kubelet/config.yaml, --read-only-port=0]\n  positions: [1, 2]\n",
        );
        let lines = command_lines(&inv);
        assert_eq!(lines.len(), 1);
        let port = lines[0].flag("read-only-port").unwrap();
        assert_eq!(port.text(), "10255");
        assert_eq!(port.source, 0);
        assert_eq!(lines[0].object_of(port).name, "kubelet");
        assert_eq!(lines[0].flag("config").unwrap().source, 1);
    }

    #[test]
    fn a_running_process_wins_over_rebuilt_systemd_arguments() {
        let inv = inventory(
            "apiVersion: node.bulkhead.dev/v1\nkind: Arguments\nmetadata: {name: kubelet}\nspec:\n  args: [--anonymous-auth=true]\n---\napiVersion: node.bulkhead.dev/v1\nkind: Process\nmetadata: {name: kubelet}\nspec:\n  command: [/usr/bin/kubelet, --anonymous-auth=false]\n",
        );
        let lines = command_lines(&inv);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].origin, "process");
    }

    #[test]
    fn an_applications_own_etcd_is_not_the_clusters() {
        let inv = inventory(
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: etcd, namespace: apisix}\nspec:\n  template:\n    spec:\n      containers:\n      - name: etcd\n        image: bitnami/etcd:3.5\n---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: kube-proxy, namespace: kube-system}\nspec:\n  template:\n    spec:\n      containers:\n      - name: kube-proxy\n        image: registry.k8s.io/kube-proxy:v1.31.0\n        command: [/usr/local/bin/kube-proxy, --config=/var/lib/kube-proxy/config.conf]\n",
        );
        let lines = command_lines(&inv);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].component, Component::KubeProxy);
    }

    #[test]
    fn a_static_pod_and_the_process_started_from_it_are_judged_once() {
        let inv = inventory(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: kube-apiserver-cp, namespace: kube-system}\nspec:\n  containers:\n  - name: kube-apiserver\n    image: registry.k8s.io/kube-apiserver:v1.35.0\n    command: [kube-apiserver, --profiling=false]\n---\napiVersion: node.bulkhead.dev/v1\nkind: Process\nmetadata: {name: kube-apiserver}\nspec:\n  command: [kube-apiserver, --profiling=false]\n---\napiVersion: node.bulkhead.dev/v1\nkind: Process\nmetadata: {name: kube-apiserver}\nspec:\n  command: [kube-apiserver, --profiling=true]\n---\napiVersion: node.bulkhead.dev/v1\nkind: Process\nmetadata: {name: kube-scheduler}\nspec:\n  command: [kube-scheduler]\n",
        );
        let origins: Vec<(Component, &str)> = command_lines(&inv)
            .iter()
            .map(|l| (l.component, l.origin))
            .collect();
        assert_eq!(
            origins,
            [
                (Component::ApiServer, "static Pod"),
                (Component::ApiServer, "process"),
                (Component::Scheduler, "process")
            ]
        );
    }

    #[test]
    fn the_recognition_text_matches_what_is_recognised() {
        let inv = inventory(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: static}\nspec:\n  containers:\n  - name: a\n    image: x\n    command: [/usr/local/bin/kube-scheduler]\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: hosted, namespace: kube-system}\nspec:\n  template:\n    spec:\n      containers:\n      - name: a\n        image: registry.k8s.io/kube-apiserver:v1.31.0\n        args: [--profiling=false]\n---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: proxy, namespace: networking}\nspec:\n  template:\n    spec:\n      containers:\n      - name: a\n        image: x\n        command: [hyperkube, kube-proxy]\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app-scheduler, namespace: apps}\nspec:\n  template:\n    spec:\n      containers:\n      - name: a\n        image: x\n        command: [kube-scheduler]\n",
        );
        let judged: Vec<(&str, Component)> = command_lines(&inv)
            .iter()
            .map(|l| (l.object().name.as_str(), l.component))
            .collect();
        assert_eq!(
            judged,
            [
                ("static", Component::Scheduler),
                ("hosted", Component::ApiServer),
                ("proxy", Component::KubeProxy),
            ]
        );
        for phrase in [
            "static or mirror Pod",
            "`kube-system`",
            "kube-proxy DaemonSet in any namespace",
            "image name",
            "hyperkube",
            "not the cluster's etcd",
            "`Process` objects",
            "`Arguments` objects",
        ] {
            assert!(RECOGNITION.contains(phrase), "{phrase}");
        }
    }

    #[test]
    fn other_containers_are_not_components() {
        let inv = inventory(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n        command: [nginx, -g, daemon off;]\n",
        );
        assert!(command_lines(&inv).is_empty());
    }
}
