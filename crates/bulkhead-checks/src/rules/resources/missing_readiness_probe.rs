use bulkhead_model::{Container, ContainerKind, LabelSelector, Object, PodSpec};

use crate::rules::common::describe;
use crate::rules::resources::runs_to_completion;
use crate::{declare_check, Compliance, Context, Family, Run, Severity, Sink};

declare_check! {
    /// ## What it checks
    /// Regular containers that serve traffic but have no `readinessProbe`. A container is taken to
    /// serve traffic when it declares `ports`, or, in a pod where no container declares any, when
    /// a Service among the scanned objects of its namespace (for objects without a namespace:
    /// from the same directory) selects the pod. Init and ephemeral containers are not checked,
    /// nor are workloads that run to completion (Jobs, CronJobs, Pods owned by a Job, and bare
    /// Pods with `restartPolicy` `Never` or `OnFailure`).
    ///
    /// ## Why it matters
    /// A Service sends traffic to a pod as soon as its containers are running, unless a
    /// readiness probe says otherwise: requests reach a process that is still starting,
    /// overloaded, or cut off from what it depends on, and fail. During a rolling update,
    /// the old pods are removed before the new ones can actually serve, which turns every
    /// deployment into a partial outage.
    ///
    /// Severity: low; it is about availability, and containers that only work a queue or
    /// push data out need no readiness probe (declare no `ports` for them and they are not
    /// reported).
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: app
    ///     image: registry.example/app:1.4.2
    ///     ports:
    ///       - containerPort: 8080
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///     readinessProbe:
    ///       httpGet:
    ///         path: /ready
    ///         port: 8080
    ///       periodSeconds: 5
    /// ```
    ///
    /// ## References
    /// - Kubernetes documentation, "Configure Liveness, Readiness and Startup Probes"
    pub static MISSING_READINESS_PROBE = Check {
        id: "BHQ004",
        slug: "missing-readiness-probe",
        severity: Severity::Low,
        family: Family::Resources,
        remediation: "add a readinessProbe that reports whether the container can serve requests",
        compliance: Compliance::NONE,
        run: Run::Object(check),
        reads: crate::Reads::PodSpecs,
    };
}

/// The first Service among the scanned objects of the workload's namespace that selects its
/// pods.
fn selecting_service<'a>(cx: &Context<'a>, object: &Object, pod: &PodSpec<'_>) -> Option<&'a str> {
    cx.inventory
        .of_kind_in("Service", object.namespace.as_deref())
        .filter(|s| crate::rules::common::same_namespace(s, object))
        .find(|s| {
            s.root
                .path(&["spec", "selector"])
                .and_then(|node| LabelSelector::from_match_labels(Some(node)).ok())
                .is_some_and(|sel| !sel.is_empty() && sel.matches(|k| pod.label(k)))
        })
        .map(|s| s.name.as_str())
}

fn check(cx: &Context<'_>, object: &Object, sink: &mut Sink<'_>) {
    let Some(pod) = cx.pod_spec(object) else {
        return;
    };
    if runs_to_completion(object, &pod) {
        return;
    }
    let declares_ports = |c: &Container<'_>| c.get("ports").is_some_and(|p| !p.as_seq().is_empty());
    // When some container declares ports, a Service's traffic is taken to go to those.
    let pod_declares_ports = pod
        .containers()
        .any(|c| c.kind == ContainerKind::Regular && declares_ports(&c));
    let mut service = None;
    for container in pod.containers() {
        if container.kind != ContainerKind::Regular
            || container
                .get("readinessProbe")
                .is_some_and(|p| !p.is_null())
        {
            continue;
        }
        let who = describe(&container);
        let message = if declares_ports(&container) {
            format!("{who} declares ports but has no readiness probe")
        } else if pod_declares_ports {
            continue;
        } else if let Some(name) =
            *service.get_or_insert_with(|| selecting_service(cx, object, &pod))
        {
            format!("{who} has no readiness probe, and Service \"{name}\" sends traffic to its pod")
        } else {
            continue;
        };
        sink.report(object, &container.pointer_to("readinessProbe"), message);
    }
}
