package io.hetu.processor.collect;

import io.hetu.processor.ErrorCode;
import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;

/** Reports coded errors on elements and counts them, so a collector knows whether a check failed. */
final class ErrorReporter {

    private final Messager messager;
    private int count;

    ErrorReporter(Messager messager) {
        this.messager = messager;
    }

    /** Errors reported so far. */
    int count() {
        return count;
    }

    void error(ErrorCode code, Element element, String message) {
        error(code, element, null, message);
    }

    /** An error on {@code element}, pointing at {@code annotation} when it is not null. */
    void error(ErrorCode code, Element element, AnnotationMirror annotation, String message) {
        count++;
        if (annotation == null) {
            messager.printMessage(Diagnostic.Kind.ERROR, code.format(message), element);
        } else {
            messager.printMessage(Diagnostic.Kind.ERROR, code.format(message), element, annotation);
        }
    }
}
