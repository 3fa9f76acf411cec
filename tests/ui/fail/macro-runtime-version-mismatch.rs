// What every expansion opens with, as an `ipidea-macros` of another version than the `ipidea`
// runtime would write it: the build stops with one message that names the mismatch.
const _: () = ipidea::__private::expect_macro_version("0.0.1");

fn main() {}
