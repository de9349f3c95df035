//! Judging one `File` fact against a CIS file recommendation: its mode against the widest
//! mode allowed, its owner against the accepted user and group. Every file check of this
//! family is one call to [`report_mode`] or [`report_owner`] with its roles and CIS id, so
//! all of them read modes, owners and file types the same way and word their findings alike.
//!
//! - "No more permissive than 0600" means no permission bit outside the mask: 0400 and 0600
//!   pass, 0640 does not. The setuid, setgid and sticky bits are never in a mask, so a file
//!   that carries one is reported (they widen what the file lets others do).
//! - A directory needs its search bit to be used at all, so a directory is held to the mask
//!   with search added wherever read is allowed (0600 becomes 0700, 0644 becomes 0755). A mask
//!   written for a directory (0700 for the etcd data directory) is unchanged.
//! - A symlink is not judged and not reported: the collector stats the file a link points to
//!   and reports that file under its own path, so the link itself says nothing about access.
//! - Owners are judged by the names the node's own `/etc/passwd` and `/etc/group` give; when a
//!   name is absent the id has no entry there, so only id 0 can be `root`, and the message says
//!   the name was missing.
//! - What cannot be judged (a mode or owner the fact does not record) is reported, never
//!   passed in silence.

use bulkhead_model::{Node, Object};
use bulkhead_node::NODE_API_VERSION;

use crate::Sink;

/// A `File` fact of one of the given roles, as the checks read it.
#[derive(Debug)]
pub struct FileFact<'a> {
    /// `spec.path`, else the object's name.
    pub path: &'a str,
    pub is_directory: bool,
    pub roles: Vec<&'a str>,
    spec: Option<&'a Node>,
}

impl<'a> FileFact<'a> {
    /// The `File` object as a fact when it plays one of `roles`; `None` for every other
    /// object, for files of other roles and for symlinks.
    pub fn of_role(object: &'a Object, roles: &[&str]) -> Option<FileFact<'a>> {
        if object.api_version != NODE_API_VERSION || object.kind != "File" {
            return None;
        }
        let spec = object.root.get("spec");
        let field = |name: &str| spec.and_then(|s| s.get(name));
        let own_roles: Vec<&str> = field("roles")
            .map(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .filter_map(Node::as_str)
            .collect();
        if !own_roles.iter().any(|r| roles.contains(r)) {
            return None;
        }
        let file_type = field("type").and_then(Node::as_str);
        if file_type == Some("symlink") {
            return None;
        }
        Some(FileFact {
            path: field("path")
                .and_then(Node::as_str)
                .unwrap_or(object.name.as_str()),
            is_directory: file_type == Some("directory"),
            roles: own_roles,
            spec,
        })
    }

    fn field(&self, name: &str) -> Option<&'a Node> {
        self.spec.and_then(|s| s.get(name))
    }

    fn id(&self, name: &str) -> Option<i64> {
        let node = self.field(name)?;
        node.as_i64()
            .or_else(|| node.as_str().and_then(|t| t.trim().parse().ok()))
    }

    /// What follows the path in messages: ` (a directory)` for a directory, nothing else.
    fn noun(&self) -> &'static str {
        if self.is_directory {
            " (a directory)"
        } else {
            ""
        }
    }
}

/// One problem with a file: where to report it and what to say.
#[derive(Debug, PartialEq, Eq)]
pub struct Problem {
    pub pointer: &'static str,
    pub message: String,
}

/// Reads a mode written as an octal string (`"0644"`, `"644"`, `"04755"`).
pub fn parse_mode(text: &str) -> Option<u32> {
    let digits = text.trim();
    let digits = digits.strip_prefix("0o").unwrap_or(digits);
    if digits.is_empty() || digits.len() > 5 || !digits.bytes().all(|b| (b'0'..=b'7').contains(&b))
    {
        return None;
    }
    u32::from_str_radix(digits, 8).ok().filter(|m| *m <= 0o7777)
}

/// The mask a file of this type is held to: `max` for a file; for a directory, `max` with
/// search added wherever read is allowed.
pub fn allowed_mask(max: u32, is_directory: bool) -> u32 {
    if is_directory {
        max | ((max & 0o444) >> 2)
    } else {
        max
    }
}

/// The bits of `mode` outside `allowed`, special bits included.
pub fn excess(mode: u32, allowed: u32) -> u32 {
    mode & 0o7777 & !allowed
}

/// Names the bits of `bits`: `setuid, group read and others write`. A directory's execute
/// bit is called search, which is what it grants.
pub fn describe_bits(bits: u32, is_directory: bool) -> String {
    let execute = if is_directory { "search" } else { "execute" };
    let mut names: Vec<String> = Vec::new();
    for (bit, name) in [(0o4000, "setuid"), (0o2000, "setgid"), (0o1000, "sticky")] {
        if bits & bit != 0 {
            names.push(name.to_string());
        }
    }
    for (shift, class) in [(6, "owner"), (3, "group"), (0, "others")] {
        for (bit, what) in [(0o4, "read"), (0o2, "write"), (0o1, execute)] {
            if bits & (bit << shift) != 0 {
                names.push(format!("{class} {what}"));
            }
        }
    }
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// What is wrong with the file's mode, if anything, against "no more permissive than `max`"
/// (CIS `cis`).
pub fn mode_problem(file: &FileFact<'_>, max: u32, cis: &str) -> Option<Problem> {
    let path = file.path;
    let Some(node) = file.field("mode") else {
        return Some(Problem {
            pointer: "/spec/mode",
            message: format!("{path}: the mode was not recorded, so CIS {cis} cannot be judged"),
        });
    };
    let Some(mode) = node.as_str().and_then(parse_mode) else {
        let written = node.scalar_text().unwrap_or_default();
        return Some(Problem {
            pointer: "/spec/mode",
            message: format!(
                "{path}: mode `{written}` is not an octal mode such as \"0600\", so CIS {cis} cannot be judged"
            ),
        });
    };
    let allowed = allowed_mask(max, file.is_directory);
    let extra = excess(mode, allowed);
    if extra == 0 {
        return None;
    }
    let limit = if allowed == max {
        format!("at most {allowed:04o} (CIS {cis})")
    } else {
        format!("at most {allowed:04o} (CIS {cis}: {max:04o}, with search where read is allowed)")
    };
    Some(Problem {
        pointer: "/spec/mode",
        message: format!(
            "{path}{} has mode {mode:04o}; {limit}: {} {} not allowed",
            file.noun(),
            describe_bits(extra, file.is_directory),
            if extra.count_ones() == 1 { "is" } else { "are" },
        ),
    })
}

/// The owners a recommendation accepts.
#[derive(Clone, Copy, Debug)]
pub struct Owners {
    pub users: &'static [&'static str],
    pub groups: &'static [&'static str],
    /// How the requirement is written in messages: `root:root`.
    pub expected: &'static str,
}

/// `root:root`: what almost every file recommendation asks for.
pub const ROOT: Owners = Owners {
    users: &["root"],
    groups: &["root"],
    expected: "root:root",
};

/// What is wrong with the file's owner, if anything: at most one problem for the user and one
/// for the group.
pub fn owner_problems(file: &FileFact<'_>, owners: &Owners, cis: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    let sides = [
        (
            "user",
            "uid",
            "/spec/user",
            "/spec/uid",
            owners.users,
            "is owned by user",
            "/etc/passwd",
        ),
        (
            "group",
            "gid",
            "/spec/group",
            "/spec/gid",
            owners.groups,
            "has group",
            "/etc/group",
        ),
    ];
    for (name_field, id_field, name_pointer, id_pointer, accepted, verb, table) in sides {
        let path = file.path;
        let expected = owners.expected;
        if let Some(name) = file.field(name_field).and_then(Node::as_str) {
            if !accepted.contains(&name) {
                problems.push(Problem {
                    pointer: name_pointer,
                    message: format!(
                        "{path}{} {verb} {name}; {expected} expected (CIS {cis})",
                        file.noun()
                    ),
                });
            }
            continue;
        }
        match file.id(id_field) {
            Some(0) => {}
            Some(id) => problems.push(Problem {
                pointer: id_pointer,
                message: format!(
                    "{path}{} {verb} {id_field} {id}, which has no name in the node's {table}; {expected} expected (CIS {cis}), and only {id_field} 0 is root without a name",
                    file.noun()
                ),
            }),
            None => problems.push(Problem {
                pointer: id_pointer,
                message: format!(
                    "{path}: neither the {name_field} nor the {id_field} was recorded, so CIS {cis} cannot be judged"
                ),
            }),
        }
    }
    problems
}

/// The check of a "permissions are `max` or more restrictive" recommendation: every `File` of
/// one of `roles`, reported at `/spec/mode`.
pub fn report_mode(object: &Object, sink: &mut Sink<'_>, roles: &[&str], max: u32, cis: &str) {
    if let Some(problem) = FileFact::of_role(object, roles).and_then(|f| mode_problem(&f, max, cis))
    {
        sink.report(object, problem.pointer, problem.message);
    }
}

/// The check of an "owned by `owners`" recommendation: every `File` of one of `roles`,
/// reported at `/spec/user` and `/spec/group` (or the ids, when the names are absent).
pub fn report_owner(
    object: &Object,
    sink: &mut Sink<'_>,
    roles: &[&str],
    owners: &Owners,
    cis: &str,
) {
    if let Some(file) = FileFact::of_role(object, roles) {
        for problem in owner_problems(&file, owners, cis) {
            sink.report(object, problem.pointer, problem.message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bulkhead_model::{load_text, Limits};

    fn file(spec: &str) -> Object {
        let text = format!(
            "apiVersion: node.bulkhead.dev/v1\nkind: File\nmetadata:\n  name: /etc/x\nspec:\n  path: /etc/x\n  roles: [\"r\"]\n{spec}"
        );
        load_text("stat:/etc/x", &text, &Limits::default())
            .objects
            .remove(0)
    }

    fn mode_of(spec: &str, max: u32) -> Option<String> {
        let object = file(spec);
        let fact = FileFact::of_role(&object, &["r"]).expect("a fact");
        mode_problem(&fact, max, "1.1.1").map(|p| p.message)
    }

    fn owner_of(spec: &str) -> Vec<(&'static str, String)> {
        let object = file(spec);
        let fact = FileFact::of_role(&object, &["r"]).expect("a fact");
        owner_problems(&fact, &ROOT, "1.1.2")
            .into_iter()
            .map(|p| (p.pointer, p.message))
            .collect()
    }

    #[test]
    fn a_mask_allows_every_mode_inside_it_and_nothing_outside() {
        for mode in [0o600, 0o400, 0o200, 0o000] {
            assert_eq!(excess(mode, 0o600), 0, "{mode:o}");
        }
        for mode in [0o640, 0o644, 0o444, 0o604] {
            assert_eq!(excess(mode, 0o644), 0, "{mode:o}");
        }
        assert_eq!(excess(0o644, 0o600), 0o044);
        assert_eq!(excess(0o700, 0o600), 0o100);
        assert_eq!(excess(0o666, 0o644), 0o022);
        assert_eq!(excess(0o750, 0o700), 0o050);
    }

    #[test]
    fn special_bits_are_always_too_permissive() {
        assert_eq!(excess(0o4600, 0o600), 0o4000);
        assert_eq!(excess(0o2700, 0o700), 0o2000);
        assert_eq!(excess(0o1644, 0o644), 0o1000);
        assert_eq!(describe_bits(0o4000, false), "setuid");
        let message = mode_of("  type: file\n  mode: \"04600\"\n", 0o600).unwrap();
        assert_eq!(
            message,
            "/etc/x has mode 4600; at most 0600 (CIS 1.1.1): setuid is not allowed"
        );
    }

    #[test]
    fn a_directory_may_be_searched_where_it_may_be_read() {
        assert_eq!(allowed_mask(0o600, true), 0o700);
        assert_eq!(allowed_mask(0o644, true), 0o755);
        assert_eq!(allowed_mask(0o700, true), 0o700);
        assert_eq!(allowed_mask(0o600, false), 0o600);
        assert_eq!(
            mode_of("  type: directory\n  mode: \"0700\"\n", 0o600),
            None
        );
        assert_eq!(
            mode_of("  type: directory\n  mode: \"0755\"\n", 0o644),
            None
        );
        assert_eq!(
            mode_of("  type: directory\n  mode: \"0750\"\n", 0o600).unwrap(),
            "/etc/x (a directory) has mode 0750; at most 0700 (CIS 1.1.1: 0600, with search where read is allowed): group read and group search are not allowed"
        );
        assert_eq!(
            mode_of("  type: file\n  mode: \"0700\"\n", 0o600).unwrap(),
            "/etc/x has mode 0700; at most 0600 (CIS 1.1.1): owner execute is not allowed"
        );
    }

    #[test]
    fn modes_are_read_as_octal_text_and_anything_else_is_reported() {
        assert_eq!(parse_mode("0644"), Some(0o644));
        assert_eq!(parse_mode("644"), Some(0o644));
        assert_eq!(parse_mode("0o600"), Some(0o600));
        assert_eq!(parse_mode("07777"), Some(0o7777));
        assert_eq!(parse_mode("0800"), None);
        assert_eq!(parse_mode("rw-r--r--"), None);
        assert_eq!(parse_mode("17777"), None);
        assert_eq!(parse_mode(""), None);
        assert_eq!(
            mode_of("  type: file\n  mode: \"0640\"\n", 0o600).unwrap(),
            "/etc/x has mode 0640; at most 0600 (CIS 1.1.1): group read is not allowed"
        );
        assert!(mode_of("  type: file\n", 0o600)
            .unwrap()
            .contains("mode was not recorded"));
        assert!(mode_of("  type: file\n  mode: 420\n", 0o600)
            .unwrap()
            .contains("not an octal mode"));
    }

    #[test]
    fn describing_bits_names_each_class() {
        assert_eq!(describe_bits(0o044, false), "group read and others read");
        assert_eq!(
            describe_bits(0o2007, true),
            "setgid, others read, others write and others search"
        );
    }

    #[test]
    fn owners_are_judged_by_name_and_by_id_only_without_one() {
        assert!(owner_of("  user: root\n  group: root\n  uid: 0\n  gid: 0\n").is_empty());
        assert!(owner_of("  uid: 0\n  gid: 0\n").is_empty());
        let problems = owner_of("  user: kube\n  uid: 1000\n  gid: 1001\n");
        assert_eq!(problems.len(), 2);
        assert_eq!(
            problems[0],
            (
                "/spec/user",
                "/etc/x is owned by user kube; root:root expected (CIS 1.1.2)".to_string()
            )
        );
        assert_eq!(problems[1].0, "/spec/gid");
        assert!(
            problems[1]
                .1
                .contains("gid 1001, which has no name in the node's /etc/group"),
            "{}",
            problems[1].1
        );
        let problems = owner_of("  user: root\n");
        assert_eq!(problems.len(), 1);
        assert!(problems[0].1.contains("cannot be judged"));
    }

    #[test]
    fn symlinks_other_roles_and_other_kinds_are_not_facts_to_judge() {
        let link = file("  type: symlink\n  mode: \"0777\"\n");
        assert!(FileFact::of_role(&link, &["r"]).is_none());
        let plain = file("  type: file\n  mode: \"0777\"\n");
        assert!(FileFact::of_role(&plain, &["other"]).is_none());
        let cert = load_text(
            "x509:/etc/x",
            "apiVersion: node.bulkhead.dev/v1\nkind: Certificate\nmetadata:\n  name: /etc/x\nspec:\n  roles: [\"r\"]\n",
            &Limits::default(),
        )
        .objects
        .remove(0);
        assert!(FileFact::of_role(&cert, &["r"]).is_none());
    }
}
