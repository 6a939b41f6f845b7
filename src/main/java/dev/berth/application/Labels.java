package dev.berth.application;

/** The labels on every container Berth runs; containers are found by them, not only by stored ids. */
public final class Labels {
    private Labels() {}

    public static final String MANAGED = "berth.managed";
    public static final String TEAM = "berth.team";
    public static final String APP = "berth.app";
    public static final String DEPLOYMENT = "berth.deployment";

    /** Where an application's images are kept on its server ({@code berth/<id>:d<number>}, for rollbacks). */
    public static String imageRepository(java.util.UUID applicationId) {
        return "berth/" + applicationId;
    }
}
