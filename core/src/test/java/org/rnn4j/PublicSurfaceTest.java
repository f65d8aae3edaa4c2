package org.rnn4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The module says what is meant for users: the front door and the types its options name, not the file format. */
class PublicSurfaceTest {
    @Test
    void theModuleExportsTheFrontDoorAndKeepsTheFileFormatInside() throws Exception {
        Path classes = Path.of(Training.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        ModuleDescriptor module = ModuleFinder.of(classes).find("org.rnn4j").orElseThrow().descriptor();
        Set<String> exported = module.exports().stream().map(ModuleDescriptor.Exports::source)
                .collect(Collectors.toSet());
        assertTrue(exported.contains("org.rnn4j"), exported.toString());
        assertTrue(!exported.contains("org.rnn4j.io"), "checkpoints are read and written through TextModel");
        assertEquals(Set.of("org.rnn4j.nn.Engine$Provider"), module.uses(), "engines are found by ServiceLoader");
        for (Class<?> type : new Class<?>[] {TextModel.class, Training.class, Sampling.class}) {
            for (java.lang.reflect.Method m : type.getMethods()) {
                for (Class<?> p : m.getParameterTypes()) {
                    String pkg = p.getPackageName();
                    assertTrue(!pkg.startsWith("org.rnn4j") || exported.contains(pkg),
                            type.getSimpleName() + "." + m.getName() + " takes " + p.getName() + ", not exported");
                }
                String pkg = m.getReturnType().getPackageName();
                assertTrue(!pkg.startsWith("org.rnn4j") || exported.contains(pkg),
                        type.getSimpleName() + "." + m.getName() + " returns " + m.getReturnType().getName());
            }
        }
    }
}
