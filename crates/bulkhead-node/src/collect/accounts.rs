//! User and group names from the node's own `/etc/passwd` and `/etc/group`: a copy of a
//! node, or the host seen from a container, does not share this machine's accounts.

use std::collections::HashMap;

use super::fs::NodeFs;

/// Names of uids and gids on the node.
#[derive(Debug, Default)]
pub(crate) struct Accounts {
    users: HashMap<u32, String>,
    groups: HashMap<u32, String>,
}

impl Accounts {
    pub fn read(fs: &mut NodeFs) -> Self {
        let consequence = "owners are reported by number only";
        Accounts {
            users: fs
                .read_optional("/etc/passwd", consequence)
                .map(|t| parse(&t))
                .unwrap_or_default(),
            groups: fs
                .read_optional("/etc/group", consequence)
                .map(|t| parse(&t))
                .unwrap_or_default(),
        }
    }

    pub fn user(&self, uid: u32) -> Option<String> {
        self.users.get(&uid).cloned()
    }

    pub fn group(&self, gid: u32) -> Option<String> {
        self.groups.get(&gid).cloned()
    }
}

/// `name:x:id:...` lines; the first name listed for an id wins, as `getpwuid` does.
fn parse(text: &str) -> HashMap<u32, String> {
    let mut names = HashMap::new();
    for line in text.lines() {
        if line.starts_with('#') {
            continue;
        }
        let mut fields = line.split(':');
        let (Some(name), Some(_), Some(id)) = (fields.next(), fields.next(), fields.next()) else {
            continue;
        };
        if let Ok(id) = id.trim().parse::<u32>() {
            names.entry(id).or_insert_with(|| name.to_string());
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_name_of_an_id_wins_and_junk_lines_are_skipped() {
        let names = parse("root:x:0:0:root:/root:/bin/bash\n# c\nbad\ntoor:x:0:0::/:/bin/sh\netcd:x:998:998::/var/lib/etcd:/sbin/nologin\n");
        assert_eq!(names.get(&0).map(String::as_str), Some("root"));
        assert_eq!(names.get(&998).map(String::as_str), Some("etcd"));
        assert_eq!(names.len(), 2);
    }
}
