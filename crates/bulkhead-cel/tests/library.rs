//! The CEL environment: the Kubernetes libraries the ValidatingAdmissionPolicy documentation
//! uses evaluate as Kubernetes evaluates them, and what this build lacks is a compile error.

use bulkhead_cel::library::SUPPORTED;
use bulkhead_cel::Expression;
use kube_cel::cel;

fn eval(text: &str) -> Result<cel::Value, String> {
    let object = bulkhead_cel::value::to_cel(
        &bulkhead_model::load_text("o.yaml", OBJECT, &bulkhead_model::Limits::default()).objects[0]
            .root,
    );
    Expression::compile(text, &["object"])
        .map_err(|e| e.message)?
        .evaluate(&[("object", object)])
}

const OBJECT: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, team: payments}
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: app
          image: registry.example.com/web:1.2.3
          resources: {limits: {memory: 512Mi, cpu: 500m}}
        - name: sidecar
          image: proxy:latest
          securityContext: {privileged: true}
"#;

#[test]
fn expressions_from_the_kubernetes_cel_documentation_evaluate_as_documented() {
    let cases: &[(&str, cel::Value)] = &[
        // macros and has()
        ("has(object.spec.replicas)", true.into()),
        ("has(object.spec.paused)", false.into()),
        ("object.spec.template.spec.containers.all(c, c.name != '')", true.into()),
        ("object.spec.template.spec.containers.exists(c, has(c.securityContext) && c.securityContext.privileged)", true.into()),
        ("object.spec.template.spec.containers.exists_one(c, c.image.endsWith(':latest'))", true.into()),
        ("object.spec.template.spec.containers.map(c, c.name) == ['app', 'sidecar']", true.into()),
        ("size(object.spec.template.spec.containers.filter(c, c.image.contains('example.com/'))) == 1", true.into()),
        // strings and regex
        ("object.metadata.name.matches('^[a-z]+$')", true.into()),
        ("'team' in object.metadata.labels && object.metadata.labels.team.startsWith('pay')", true.into()),
        ("'Hello'.lowerAscii() + 'x'.upperAscii()", "helloX".into()),
        ("'a,b,c'.split(',').size()", 3.into()),
        ("'registry.example.com/web:1.2.3'.find('[0-9]+[.][0-9]+')", "1.2".into()),
        ("'abc'.indexOf('c')", 2.into()),
        ("'  x '.trim()", "x".into()),
        // lists
        ("[1, 2, 3].isSorted() && [1, 2, 3].sum() == 6", true.into()),
        ("[3, 1, 2].min()", 1.into()),
        // url
        ("url('https://example.com:80/path?q=1').getHost()", "example.com:80".into()),
        ("isURL('https://example.com')", true.into()),
        // quantity
        ("quantity(object.spec.template.spec.containers[0].resources.limits.memory).isLessThan(quantity('1Gi'))", true.into()),
        ("quantity('500m').asApproximateFloat() == 0.5", true.into()),
        ("isQuantity('1Gi') && !isQuantity('one gig')", true.into()),
        // ip and cidr, semver, sets
        ("cidr('10.0.0.0/8').containsIP(ip('10.1.2.3'))", true.into()),
        ("semver('1.2.3').isLessThan(semver('1.10.0'))", true.into()),
        ("sets.contains([1, 2, 3], [2])", true.into()),
    ];
    let mut failures = Vec::new();
    for (text, want) in cases {
        match eval(text) {
            Ok(got) if got == *want => {}
            other => failures.push(format!("{text}: want {want:?}, got {other:?}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn an_unsupported_function_is_a_compile_error_that_names_it() {
    for (text, name) in [
        (
            "authorizer.group('apps').resource('deployments').check('create').allowed()",
            "authorizer",
        ),
        ("type(object) == map", "type"),
        ("object.metadata.name.frobnicate()", "frobnicate"),
        // Behind a short-circuit it would never run: it is refused all the same.
        ("true || object.spec.noSuchFunction()", "noSuchFunction"),
    ] {
        let err = Expression::compile(text, &["object"]).unwrap_err();
        assert!(
            err.message.contains(&format!("{name:?}")) && err.message.contains("not supported"),
            "{text}: {}",
            err.message
        );
        assert!(err.position.is_some(), "{text}");
    }
}

#[test]
fn syntax_errors_and_unknown_variables_carry_their_position() {
    let err = Expression::compile("object.x )", &["object"]).unwrap_err();
    let p = err.position.unwrap();
    assert_eq!(
        (p.line, p.column),
        (1, 10),
        "the stray parenthesis: {err:?}"
    );
    let err = Expression::compile("object.a == 1 &&\n  params.max > 2", &["object"]).unwrap_err();
    assert!(err.message.contains("\"params\""), "{}", err.message);
    let p = err.position.unwrap();
    assert_eq!((p.line, p.column), (2, 3));
}

#[test]
fn every_supported_function_is_registered() {
    // A name in the list that the environment lacks would pass the compile check and then
    // fail at run time; calling each with no arguments must never say "undeclared".
    for name in SUPPORTED {
        let (target, function) = match name.rsplit_once('.') {
            Some((ns, f)) => (format!("{ns}."), f),
            None => (String::new(), *name),
        };
        let text = format!("{target}{function}()");
        let Ok(expression) = Expression::compile(&text, &["object"]) else {
            continue;
        };
        if let Err(e) = expression.evaluate(&[]) {
            assert!(!e.contains("Undeclared reference"), "{name}: {e}");
        }
    }
}
