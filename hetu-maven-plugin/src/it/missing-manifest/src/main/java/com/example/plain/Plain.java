package com.example.plain;

/** Compiles to classes, but nothing here is a HeTu component or system. */
public final class Plain {

    private Plain() {}
}
