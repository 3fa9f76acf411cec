use ipidea::*;

fn main() {
    // Request types are `#[non_exhaustive]`: build them with `new` and the setters.
    let _ = IspIpOpenRequest {
        region: "hk".to_owned(),
        duration: IspDuration::Weekly,
        num: 1,
        remark: None,
        pool_tag: None,
    };
}
