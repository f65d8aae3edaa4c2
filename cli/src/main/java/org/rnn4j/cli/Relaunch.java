package org.rnn4j.cli;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code java -jar rnn4j.jar …} without {@code --add-modules jdk.incubator.vector}: a jar's manifest cannot add a
 * module, so the command runs itself again in a JVM that has it (about 20 times faster), with the same JVM options and
 * arguments (and the serial collector, unless one was chosen) and the same standard streams, and exits with its code.
 */
final class Relaunch {
    static final String VECTOR = "jdk.incubator.vector";

    private Relaunch() {
    }

    /** The relaunched command's exit code, or empty when this JVM should run the command itself. */
    static OptionalInt ifNeeded(String[] args) throws InterruptedException {
        String classPath = System.getProperty("java.class.path", "");
        String command = System.getProperty("sun.java.command", "");
        boolean fromJar = classPath.endsWith(".jar") && !classPath.contains(java.io.File.pathSeparator)
                && (command.equals(classPath) || command.startsWith(classPath + " "));
        Optional<String> java = ProcessHandle.current().info().command();
        if (!fromJar || java.isEmpty() || ModuleLayer.boot().findModule(VECTOR).isPresent()
                || Boolean.getBoolean("rnn4j.relaunched") || "reference".equals(System.getProperty("rnn4j.kernels"))) {
            return OptionalInt.empty();
        }
        List<String> relaunched = new ArrayList<>(List.of(java.get(), "--add-modules", VECTOR, "-Drnn4j.relaunched=true"));
        List<String> options = ManagementFactory.getRuntimeMXBean().getInputArguments();
        if (options.stream().noneMatch(o -> o.startsWith("-XX:+Use") && o.endsWith("GC"))) {
            relaunched.add("-XX:+UseSerialGC"); // as the launcher script: a third of G1's resident memory, no slower
        }
        relaunched.addAll(options);
        relaunched.addAll(List.of("-jar", Path.of(classPath).toAbsolutePath().toString()));
        relaunched.addAll(List.of(args));
        Process child;
        try {
            child = new ProcessBuilder(relaunched).inheritIO().start();
        } catch (java.io.IOException e) {
            return OptionalInt.empty(); // cannot start a JVM: run here, at the reference kernels' speed
        }
        Runtime.getRuntime().addShutdownHook(new Thread(child::destroy)); // a signal to this JVM reaches the child
        return OptionalInt.of(child.waitFor());
    }
}
