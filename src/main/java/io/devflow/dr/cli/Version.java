package io.devflow.dr.cli;

import picocli.CommandLine;

/** Version from the jar manifest. */
final class Version implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        String version = DrCommand.class.getPackage().getImplementationVersion();
        return new String[] {"dr (devflow-dr) " + (version != null ? version : "development build")};
    }
}
