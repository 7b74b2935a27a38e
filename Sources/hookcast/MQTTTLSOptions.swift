import ArgumentParser
import Mosquitto

/// `--mqtt-tls-ca`, `--mqtt-tls-cert` and `--mqtt-tls-key`, shared by `hookcast serve` and `hookcast device`.
struct MQTTTLSOptions: ParsableArguments {
    @Option(
        name: .customLong("mqtt-tls-ca"),
        help: "PEM file of the CA that signed the broker's certificate; connects with TLS (HOOKCAST_MQTT_TLS_CA).")
    var caFile: String?

    @Option(
        name: .customLong("mqtt-tls-cert"),
        help: "PEM client certificate, for a broker that requires one; needs --mqtt-tls-key (HOOKCAST_MQTT_TLS_CERT).")
    var certificateFile: String?

    @Option(
        name: .customLong("mqtt-tls-key"),
        help: "Unencrypted PEM key of the client certificate (HOOKCAST_MQTT_TLS_KEY).")
    var keyFile: String?

    /// The TLS settings from the options, each falling back to its environment variable; nil means plain MQTT.
    func tlsConfiguration() throws -> MQTTClient.TLSConfiguration? {
        let caFile = caFile ?? Environment.value("HOOKCAST_MQTT_TLS_CA")
        let certificateFile = certificateFile ?? Environment.value("HOOKCAST_MQTT_TLS_CERT")
        let keyFile = keyFile ?? Environment.value("HOOKCAST_MQTT_TLS_KEY")
        guard (certificateFile == nil) == (keyFile == nil) else {
            throw ValidationError("--mqtt-tls-cert and --mqtt-tls-key go together.")
        }
        guard let caFile else {
            guard certificateFile == nil else {
                throw ValidationError(
                    "A client certificate needs --mqtt-tls-ca, the CA the broker's certificate is from.")
            }
            return nil
        }
        var clientCertificate: MQTTClient.TLSConfiguration.ClientCertificate?
        if let certificateFile, let keyFile {
            clientCertificate = .init(certificateFile: certificateFile, keyFile: keyFile)
        }
        return MQTTClient.TLSConfiguration(trusting: .file(caFile), clientCertificate: clientCertificate)
    }
}
