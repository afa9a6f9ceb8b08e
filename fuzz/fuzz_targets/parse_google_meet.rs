#![no_main]

use libfuzzer_sys::fuzz_target;
use rolemark::transcript::Format;

fuzz_target!(|data: &[u8]| {
    rolemark_fuzz::check_parse(data, Some(Format::GoogleMeet));
});
