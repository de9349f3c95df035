//! A panic caught by the parser guard prints nothing; any other panic still reaches the hook
//! that was installed before. (Its own test binary: the panic hook is process-wide.)

use std::sync::atomic::{AtomicUsize, Ordering};

use bulkhead_model::yaml::guard::quietly;

static REPORTED: AtomicUsize = AtomicUsize::new(0);

#[test]
fn guarded_panics_are_silent_and_others_are_not() {
    std::panic::set_hook(Box::new(|_| {
        REPORTED.fetch_add(1, Ordering::SeqCst);
    }));

    assert_eq!(quietly(|| 7), Some(7));
    let caught: Option<()> = quietly(|| panic!("a parser bug"));
    assert_eq!(caught, None);
    assert_eq!(
        REPORTED.load(Ordering::SeqCst),
        0,
        "the guarded panic was reported"
    );

    // Nested guards, and a thread of its own: still silent.
    let nested = quietly(|| quietly(|| -> u8 { panic!("inner") }));
    assert_eq!(nested, Some(None));
    std::thread::spawn(|| quietly(|| -> u8 { panic!("on another thread") }))
        .join()
        .unwrap();
    assert_eq!(REPORTED.load(Ordering::SeqCst), 0);

    // Outside the guard the previous hook runs as before.
    let outside = std::panic::catch_unwind(|| panic!("not the parser"));
    assert!(outside.is_err());
    assert_eq!(REPORTED.load(Ordering::SeqCst), 1);
}
