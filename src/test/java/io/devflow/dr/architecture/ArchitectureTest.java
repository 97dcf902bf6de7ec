package io.devflow.dr.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package structure the README's layout section describes: no package depends on itself through
 * others, and only the Camel binding ({@code app}) and the command line ({@code cli}) know Camel.
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.devflow.dr");
    }

    @Test
    void shouldHaveNoCycleBetweenPackages() {
        slices().matching("io.devflow.dr.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void shouldKeepCamelOutOfTheLogic() {
        noClasses().that().resideOutsideOfPackages("io.devflow.dr.app..", "io.devflow.dr.cli..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.camel..")
                .because("beans are plain Java; app binds them to Camel (STYLE.md)")
                .check(classes);
    }
}
