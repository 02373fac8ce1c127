# A typed JSON reader and writer for the tests (Tcl's core has no JSON).
#   json::parse TEXT -> a tagged value:  {o {k1 v1 k2 v2 ...}} {a {v1 v2 ...}}
#                                        {s string} {n number-text} {l true|false|null}
#   json::write TAGGED -> JSON text (numbers as read, non-ASCII as \u escapes)
#   json::get TAGGED key ?default? -> the tagged member of an object
#   json::value TAGGED -> a plain Tcl value (strings, numbers, true/false/null as words)
namespace eval json {}

proc json::parse {text} {
    set i 0
    set v [json::Value $text i]
    json::Ws $text i
    if {$i != [string length $text]} { error "json: trailing text at $i" }
    return $v
}

proc json::Ws {text iv} {
    upvar 1 $iv i
    while {[string is space -strict [string index $text $i]]} { incr i }
}

proc json::Value {text iv} {
    upvar 1 $iv i
    json::Ws $text i
    set c [string index $text $i]
    switch -- $c {
        "\{" {
            incr i
            set members {}
            json::Ws $text i
            if {[string index $text $i] eq "\}"} { incr i; return [list o $members] }
            while 1 {
                json::Ws $text i
                set k [lindex [json::Value $text i] 1]
                json::Ws $text i
                if {[string index $text $i] ne ":"} { error "json: expected : at $i" }
                incr i
                lappend members $k [json::Value $text i]
                json::Ws $text i
                set c [string index $text $i]
                incr i
                if {$c eq "\}"} { return [list o $members] }
                if {$c ne ","} { error "json: expected , or \} at $i" }
            }
        }
        "\[" {
            incr i
            set items {}
            json::Ws $text i
            if {[string index $text $i] eq "\]"} { incr i; return [list a $items] }
            while 1 {
                lappend items [json::Value $text i]
                json::Ws $text i
                set c [string index $text $i]
                incr i
                if {$c eq "\]"} { return [list a $items] }
                if {$c ne ","} { error "json: expected , or \] at $i" }
            }
        }
        "\"" {
            incr i
            set out ""
            while 1 {
                set j [string first "\"" $text $i]
                set k [string first "\\" $text $i]
                if {$j < 0} { error "json: unterminated string" }
                if {$k >= 0 && $k < $j} {
                    append out [string range $text $i [expr {$k - 1}]]
                    set e [string index $text [expr {$k + 1}]]
                    switch -- $e {
                        u { append out [format %c [scan [string range $text [expr {$k + 2}] [expr {$k + 5}]] %x]]
                            set i [expr {$k + 6}] }
                        b { append out \b; set i [expr {$k + 2}] }
                        f { append out \f; set i [expr {$k + 2}] }
                        n { append out \n; set i [expr {$k + 2}] }
                        r { append out \r; set i [expr {$k + 2}] }
                        t { append out \t; set i [expr {$k + 2}] }
                        default { append out $e; set i [expr {$k + 2}] }
                    }
                } else {
                    append out [string range $text $i [expr {$j - 1}]]
                    set i [expr {$j + 1}]
                    return [list s $out]
                }
            }
        }
        default {
            foreach lit {true false null} {
                if {[string equal -length [string length $lit] $lit [string range $text $i end]]} {
                    incr i [string length $lit]
                    return [list l $lit]
                }
            }
            if {[regexp {^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?} [string range $text $i [expr {$i + 400}]] m]} {
                incr i [string length $m]
                return [list n $m]
            }
            error "json: unexpected '$c' at $i"
        }
    }
}

proc json::write {v} {
    lassign $v tag x
    switch -- $tag {
        o {
            set parts {}
            foreach {k m} $x { lappend parts "[json::quote $k]:[json::write $m]" }
            return "\{[join $parts ,]\}"
        }
        a {
            set parts {}
            foreach m $x { lappend parts [json::write $m] }
            return "\[[join $parts ,]\]"
        }
        s { return [json::quote $x] }
        n - l { return $x }
    }
    error "json: bad tagged value $v"
}

# A JSON string literal; everything outside printable ASCII as \u escapes (pairs beyond the BMP),
# so the bytes handed to C are plain ASCII whatever Tcl holds internally.
proc json::quote {s} {
    set out "\""
    foreach ch [split $s ""] {
        scan $ch %c code
        if {$ch eq "\""} { append out "\\\"" } elseif {$ch eq "\\"} { append out "\\\\" } \
        elseif {$code > 0xffff} { append out [json::surrogates $code] } \
        elseif {$code < 0x20 || $code > 0x7e} { append out [format "\\u%04x" $code] } \
        else { append out $ch }
    }
    return "$out\""
}

# Tcl 8.6 joins a \ud83d\ude00 pair into one character beyond the BMP; JSON wants the pair.
proc json::surrogates {code} {
    set c [expr {$code - 0x10000}]
    return [format "\\u%04x\\u%04x" [expr {0xd800 | ($c >> 10)}] [expr {0xdc00 | ($c & 0x3ff)}]]
}

proc json::get {v key {default {l null}}} {
    lassign $v tag x
    if {$tag ne "o"} { return $default }
    foreach {k m} $x { if {$k eq $key} { return $m } }
    return $default
}

proc json::has {v key} {
    lassign $v tag x
    if {$tag ne "o"} { return 0 }
    foreach {k m} $x { if {$k eq $key} { return 1 } }
    return 0
}

proc json::value {v} {
    lassign $v tag x
    switch -- $tag {
        s - n - l { return $x }
        a { return [lmap m $x {json::value $m}] }
        o { set d {}; foreach {k m} $x { lappend d $k [json::value $m] }; return $d }
    }
}
