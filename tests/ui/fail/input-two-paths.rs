ipidea::generate!("../../../../spec/ipidea.json", "../../../../spec/ipidea.json");

fn main() {}
