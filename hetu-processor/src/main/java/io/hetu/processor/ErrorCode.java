package io.hetu.processor;

/**
 * Every error the processor reports, with a code that never changes meaning. Messages are
 * prefixed with {@code [HETU-Ennn]} so users can search for them and tests can assert them.
 */
public enum ErrorCode {
    NOT_A_RECORD(101),
    GENERIC_RECORD(102),
    INACCESSIBLE_RECORD(103),
    UNSUPPORTED_TYPE(104),
    MISSING_MAX_LENGTH(105),
    BAD_MAX_LENGTH(106),
    MAX_LENGTH_ON_FIXED_TYPE(107),
    RESERVED_NAME(108),
    DUPLICATE_COMPONENT(109),
    INVALID_NAMESPACE(110),
    OWNER_WITHOUT_OWNER_FIELD(111),
    RLS_RULE_MISSING(112),
    RLS_RULE_WITHOUT_RLS(113),
    RLS_UNKNOWN_FIELD(114),
    RLS_NOT_COMPARABLE(115),
    INDEX_NOT_ORDERABLE(116),
    INDEX_ON_NULLABLE(117),
    UNIQUE_AND_INDEX(118),
    NULLABLE_PRIMITIVE(119),
    NO_COLUMNS(120),
    ACCESSOR_CLASH(121),
    RLS_INVALID_SESSION_KEY(122),
    LIST_WITHOUT_KEY(123),
    LIST_OPTION_ON_GENERIC(124),
    SORT_BY_ON_LIST(125),
    SEVERAL_LIST_KEYS(126),
    LIST_KEY_NOT_INDEXABLE(127),
    SORTED_LIST_WITHOUT_SORT(128),
    TOO_MANY_SORT_COLUMNS(129),
    SORT_NOT_ORDERABLE(130),
    BAD_CAPACITY(131),
    SORT_BY_ON_LIST_KEY(132),
    DUPLICATE_SORT_ORDER(133),

    SYSTEM_NOT_STATIC(201),
    SYSTEM_INACCESSIBLE(202),
    GENERIC_SYSTEM(203),
    MISSING_CONTEXT(204),
    UNSUPPORTED_SYSTEM_TYPE(205),
    ROW_FLYWEIGHT_ON_THE_WIRE(206),
    SYSTEM_PERMISSION(207),
    NEGATIVE_RETRY(208),
    SYSTEM_INVALID_NAMESPACE(209),
    DUPLICATE_SYSTEM(210),
    HOOK_WITH_PARAMETERS(211),
    HOOK_WITH_RESULT(212),
    SEVERAL_SYSTEM_ANNOTATIONS(213),
    SYSTEM_NULLABLE_PRIMITIVE(214),
    SYSTEM_THROWS_CHECKED(215),
    RECURSIVE_RECORD(216),
    INACCESSIBLE_WIRE_TYPE(217),
    SYSTEMS_IN_SEVERAL_ROUNDS(218),
    TICK_RATE(219),
    DUPLICATE_TICK(220),
    BAD_RATE_LIMIT(221);

    private final int number;

    ErrorCode(int number) {
        this.number = number;
    }

    /** The stable code, such as {@code HETU-E101}. */
    public String code() {
        return "HETU-E" + number;
    }

    /** The message as shown to the user: code first, then what was wrong and what to do. */
    public String format(String message) {
        return "[" + code() + "] " + message;
    }
}
