use ipidea::*;

fn main() {
    // `num` is required, so it is an argument of `new`.
    let _ = IspIpOpenRequest::new("hk", IspDuration::Weekly);
}
