//! The "Attack paths" section: each exposed workload with a chain to cluster-admin (the
//! attack-paths family's findings), its chain and first fix, before the full list.

use std::fmt::{self, Write as _};

use bulkhead_checks::{Family, Finding};

use super::Esc;

pub(super) fn write(page: &mut String, listed: &[&Finding]) -> fmt::Result {
    let paths: Vec<&&Finding> = listed
        .iter()
        .filter(|f| f.check.family == Family::AttackPaths)
        .collect();
    if paths.is_empty() {
        return Ok(());
    }
    write!(
        page,
        "<section class=\"card\" id=\"attack-paths\"><h2>Attack paths \
         <span class=\"count\">{}</span></h2>\n<p class=\"quiet\">Exposed workloads from which \
         a chain of allowed connections, escapes, tokens and RBAC rights reaches cluster-admin. \
         <code>bulkhead attack-paths</code> prints each step's evidence and every fix.</p>\n<ol>\n",
        paths.len()
    )?;
    for f in paths {
        let p = &f.location.position;
        writeln!(
            page,
            "<li><b>{}</b> <span class=\"loc\">{}:{}:{}</span><br>{}</li>",
            Esc(&f.object.to_string()),
            Esc(&f.location.path),
            p.line,
            p.column,
            Esc(&f.message)
        )?;
    }
    page.push_str("</ol></section>\n");
    Ok(())
}

#[cfg(test)]
mod tests {
    use bulkhead_checks::{find_check, run_checks, Options};
    use bulkhead_model::{load_text, Inventory, Limits};

    #[test]
    fn lists_each_exposed_workload_with_its_chain() {
        let text = include_str!("../../../bulkhead-checks/tests/fixtures/BHT001/insecure.yaml");
        let loaded = load_text("shop.yaml", text, &Limits::default());
        let inventory = Inventory::new(loaded.objects);
        let check = find_check("BHT001").expect("BHT001 exists");
        let findings = run_checks(&inventory, &[check], &Options::default());
        let listed: Vec<_> = findings.iter().collect();
        let mut page = String::new();
        super::write(&mut page, &listed).expect("formatting");
        assert!(page.contains("id=\"attack-paths\""), "{page}");
        assert!(page.contains("Deployment/shop/web"), "{page}");
        assert!(page.contains("shop.yaml:19:3"), "{page}");
        assert!(
            page.contains("internet → deployment:shop/web → deployment:shop/metrics → node:*"),
            "{page}"
        );

        let mut empty = String::new();
        super::write(&mut empty, &[]).expect("formatting");
        assert!(empty.is_empty());
    }
}
