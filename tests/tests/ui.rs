//! Compile-time behaviour of `ipidea::generate!` and of the generated API, as users see it.
//!
//! `ui/fail` holds one case per failure mode: a spec with one mistake (under `ui/specs`), a bad
//! macro input, or a misuse of the generated client; each `.stderr` is the error a user reads.
//! `ui/pass` holds code that must compile. Regenerate the `.stderr` files with
//! `TRYBUILD=overwrite cargo test -p ipidea-tests --test ui` and review the diff.
//!
//! Under trybuild, `CARGO_MANIFEST_DIR` is `target/tests/trybuild/ipidea-tests/`, so the cases
//! name their specs as `"../../../../tests/ui/specs/<name>.json"`.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/fail/*.rs");
    t.pass("ui/pass/*.rs");
}
