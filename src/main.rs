//! The page entry point: mounts the widget (everything else lives in the library).

fn main() {
    alliance_checkin::start();
}
