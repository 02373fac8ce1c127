# spoor.tcl: the Tcl layer over the SWIG module (spoor.so, commands spoor::spoor_*).
#
#   package require spoor
#   set client [spoor::Client new {host http://127.0.0.1:8080 api_key k flushInterval 5000}]
#   $client recordEvent purchase {{"profileId": "user_123", "totalprice": 35}}
#   $client flush 5000
#   $client destroy            ;# closes (close_timeout), then frees
#
# Structured arguments are JSON text, as in the C API (Tcl has no JSON in its core);
# spoor::json::string quotes a Tcl string for building it. The key beforeSend (or
# before_send) takes a command prefix: it is called with each event's JSON text as one more
# word and returns the event's text (changed or not), or "" to drop it. With mode capture,
# `captured` returns the events kept as one JSON array text. A failed call raises a Tcl
# error whose message is the core's (naming the field or key) and whose -errorcode is
# {SPOOR NAME CODE}, e.g. {SPOOR INVALID -1}, {SPOOR TIMED_OUT -6}.
package require Tcl 8.6
package require TclOO

namespace eval spoor {
    namespace export Client
    # An absent optional argument (C NULL): identify u1 $spoor::null, page u1 $spoor::null {{...}}
    variable null \0
}
namespace eval spoor::json {}

# A Tcl string as a JSON string literal.
proc spoor::json::string {s} {
    set map {\" \\\" \\ \\\\ \n \\n \r \\r \t \\t \b \\b \f \\f}
    for {set i 0} {$i < 0x20} {incr i} {
        set c [format %c $i]
        if {![dict exists $map $c]} { lappend map $c [format \\u%04x $i] }
    }
    return "\"[::string map $map $s]\""
}

# Raise the Tcl error for a failed core call (right after it: the message is per thread).
proc spoor::check {rc} {
    if {$rc == 0} { return }
    set name [spoor_err2name $rc]
    set msg [spoor_last_error]
    if {$msg eq ""} { set msg [spoor_strerror $rc] }
    return -code error -level 2 -errorcode [list SPOOR $name $rc] $msg
}

# camelCase to the core's snake_case; snake_case passes unchanged.
proc spoor::configKey {key} {
    regsub -all {([A-Z])} $key {_\1} key
    return [::string tolower $key]
}

oo::class create spoor::Client {
    variable handle hook

    # config: a dict of keys (snake_case or camelCase) to text values; durations in ms.
    constructor {config} {
        set conf [spoor::spoor_config_new]
        set out [spoor::new_spoor_client_ptr]
        try {
            spoor::check [spoor::spoor_config_set $conf binding tcl]
            dict for {k v} $config {
                set key [spoor::configKey $k]
                if {$key eq "before_send"} {
                    if {[info exists hook]} { spoor::spoor_tcl_release $hook }
                    set hook [spoor::spoor_tcl_before_send $conf $v]
                    continue
                }
                spoor::check [spoor::spoor_config_set $conf $key $v]
            }
            spoor::check [spoor::spoor_client_new $out $conf]
            set handle [spoor::spoor_client_ptr_value $out]
        } on error {msg opts} {
            if {[info exists hook]} { spoor::spoor_tcl_release $hook; unset hook }
            return -options $opts $msg
        } finally {
            spoor::delete_spoor_client_ptr $out
            spoor::spoor_config_destroy $conf
        }
    }

    destructor {
        if {[info exists handle]} { spoor::spoor_client_destroy $handle }
        if {[info exists hook]} { spoor::spoor_tcl_release $hook }
    }

    method recordEvent {collection eventJson} {
        spoor::check [spoor::spoor_record_event $handle $collection $eventJson]
    }
    method profile {attributesJson} {
        spoor::check [spoor::spoor_profile $handle $attributesJson]
    }
    method trackConsents {consentsJson {subjectJson \0}} {
        spoor::check [spoor::spoor_track_consents $handle $consentsJson $subjectJson]
    }
    method track {optionsJson} {
        spoor::check [spoor::spoor_track $handle $optionsJson]
    }
    # Optional arguments left out (or given as $spoor::null) are absent: C NULL.
    method identify {userId {traitsJson \0}} {
        spoor::check [spoor::spoor_identify $handle $userId $traitsJson]
    }
    method group {userId groupId {traitsJson \0}} {
        spoor::check [spoor::spoor_group $handle $userId $groupId $traitsJson]
    }
    method page {userId {name \0} {propertiesJson \0}} {
        spoor::check [spoor::spoor_page $handle $userId $name $propertiesJson]
    }
    method screen {userId {name \0} {propertiesJson \0}} {
        spoor::check [spoor::spoor_screen $handle $userId $name $propertiesJson]
    }
    method alias {previousId userId} {
        spoor::check [spoor::spoor_alias $handle $previousId $userId]
    }
    method product {productJson} {
        spoor::check [spoor::spoor_product $handle $productJson]
    }
    # A JSON or XML catalog feed, or the path of a file holding one; returns the count queued.
    method ingestFeed {textOrPath} {
        set n [spoor::new_size_t_ptr]
        try {
            spoor::check [spoor::spoor_ingest_feed $handle $textOrPath $n]
            return [spoor::size_t_ptr_value $n]
        } finally {
            spoor::delete_size_t_ptr $n
        }
    }
    method enqueue {messageJson} {
        spoor::check [spoor::spoor_enqueue $handle $messageJson]
    }
    method batch {messagesJson} {
        spoor::check [spoor::spoor_batch $handle $messagesJson]
    }
    # timeoutMs < 0: flush waits for ever, close uses close_timeout.
    method flush {{timeoutMs -1}} {
        spoor::check [spoor::spoor_flush $handle $timeoutMs]
    }
    method close {{timeoutMs -1}} {
        spoor::check [spoor::spoor_close $handle $timeoutMs]
    }
    # The Get APIs: the server's answer as JSON text (one GET, the only calls that wait on
    # the network, bounded by the timeout setting).
    method fetchSources {orgName projectName} {
        lassign [spoor::spoor_fetch_sources $handle $orgName $projectName] rc json
        spoor::check $rc
        return $json
    }
    method fetchCollections {source} {
        lassign [spoor::spoor_fetch_collections $handle $source] rc json
        spoor::check $rc
        return $json
    }
    # mode capture: the events kept so far, oldest first, as one JSON array text.
    method captured {} {
        set text [spoor::spoor_swig_captured $handle]
        if {$text eq ""} { spoor::check $spoor::SPOOR_ERR_INVALID }
        return $text
    }
    method clearCaptured {} {
        spoor::check [spoor::spoor_captured_clear $handle]
    }
    method anonymousId {} {
        return [spoor::spoor_anonymous_id $handle]
    }
    # The counters as a dict: accepted queued delivered failed rejected dropped ...
    method stats {} {
        lassign [spoor::spoor_client_stats_json $handle] rc json
        spoor::check $rc
        set d [dict create]
        foreach {- k v} [regexp -all -inline {"([a-z_]+)"\s*:\s*(\d+)} $json] { dict set d $k $v }
        return $d
    }
}

proc spoor::version {} { return [spoor::spoor_version] }

package provide spoor [spoor::spoor_version]
