# Quickstart: a purchase recordEvent, a profile and consents, then close.
#
#   SPOOR_TCL_DIR=build-swig/bindings/tcl tclsh examples/tcl/quickstart.tcl http://127.0.0.1:8080 [API_KEY]
#
# (Build first: cmake -S . -B build-swig -DSPOOR_BUILD_SWIG=ON && cmake --build build-swig --target spoor_swig.)
if {[info exists env(SPOOR_TCL_DIR)]} { lappend auto_path $env(SPOOR_TCL_DIR) }
package require spoor

if {[llength $argv] < 1} {
    puts stderr "usage: quickstart.tcl HOST \[API_KEY\]"
    exit 2
}
set config [dict create host [lindex $argv 0] flushInterval 5000]
if {[llength $argv] > 1} { dict set config apiKey [lindex $argv 1] }

try {
    set client [spoor::Client new $config]

    # recordEvent: a purchase in the custom collection "purchase"; arguments are JSON text.
    $client recordEvent purchase [format {{
        "profileId": "user_123",
        "items": [{"item name": "item 1", "price": 20}, {"item name": "item 2", "price": 15}],
        "totalprice": 35, "ispaid": true, "timestamp": %s,
        "fixed.name": "John Smith", "fixed.age": 28, "visit.trackcharge": 35
    }} [clock milliseconds]]

    $client profile {{"profileId": "user_123", "user_identifier": "john.smith@example.com",
                      "account_identifier": "acme"}}

    $client trackConsents {[
        {"regulation": "GDPR", "purpose": "advertising", "consented": true},
        {"regulation": "CCPA", "purpose": "advertising", "consented": true}
    ]} {{"profileId": "user_123"}}

    $client flush 10000
    set stats [$client stats]
    puts "sent: $stats"
    $client close
    $client destroy
    exit [expr {[dict get $stats failed] > 0}]
} trap {SPOOR} {message options} {
    puts stderr "[lindex [dict get $options -errorcode] 1]: $message"
    exit 1
}
