use ipidea::*;

fn main() {
    let _ = StaticIpOpenRequest::new("hk", PoolTag::Channel1, 1);
}
