const SPEC: &str = "../../../../spec/ipidea.json";

ipidea::generate!(SPEC);

fn main() {}
