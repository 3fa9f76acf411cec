//! The expansion of `spec/ipidea.json`, formatted and checked in, so that a spec change shows
//! in review as a diff of the Rust API it generates.
//!
//! Refresh it after a spec change with:
//!
//! ```text
//! INSTA_UPDATE=always cargo test -p ipidea-codegen --test snapshot
//! ```

#[test]
fn the_expansion_of_the_bundled_spec_is_current() {
    let spec = ipidea_spec::bundled();
    // The same file name the `ipidea` crate gives the macro, so the docs match.
    let code = ipidea_codegen::expand_to_string(&spec, "ipidea.json")
        .expect("the expansion parses as a file");
    eprintln!(
        "If this fails after a spec change, review the diff and refresh the snapshot with:\n  INSTA_UPDATE=always cargo test -p ipidea-codegen --test snapshot"
    );
    insta::with_settings!({
        snapshot_path => "../../client/generated",
        prepend_module_to_snapshot => false,
        omit_expression => true,
        description => "What `ipidea::generate!(\"ipidea.json\")` expands to. Refresh: INSTA_UPDATE=always cargo test -p ipidea-codegen --test snapshot",
    }, {
        insta::assert_snapshot!("ipidea", code);
    });
}
