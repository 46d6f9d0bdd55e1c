import { describe, expect, it } from "vitest";
import { OnvifError } from "../../../src/onvif/errors.ts";
import { interpretResponse } from "../../../src/onvif/soap/response.ts";
import { envelope, fixture, response, sample } from "../helpers/fakeDevice.ts";

function errorOf(xml: string, status = 500): OnvifError {
  try {
    interpretResponse(response(xml, status), "Op at http://d/");
  } catch (e) {
    if (e instanceof OnvifError) return e;
    throw e;
  }
  throw new Error("no error thrown");
}

describe("SOAP faults from real devices", () => {
  it("Dahua ' ter:MaxOSDs' (leading space) resolves to ter:MaxOSDs", () => {
    const e = errorOf(fixture("dahua-onvif/Fault_MaxOSDs.xml"));
    expect(e.subcodes).toEqual(["ter:Action", "ter:MaxOSDs"]);
    expect(e.faultCode).toBe("ter:Action");
    expect(e.kind).toBe("fault");
    expect(e.retryable).toBe(true); // Receiver: the device blames itself
    expect(e.message).toContain("The maximum number of supported OSDs.");
  });

  it("gSOAP 'Method ... not implemented' with no subcode is not_supported", () => {
    const e = errorOf(fixture("oem-misc/IPD-H4K8M05_Fault.xml"));
    expect(e.kind).toBe("not_supported");
    expect(e.subcodes).toEqual([]);
    expect(e.faultCode).toBe("env:Sender");
    expect(e.message).toContain("Method 'GetStorageConfigurations' not implemented");
  });

  it("Axis ActionNotSupported (with and without a nested subcode) is not_supported", () => {
    const a = errorOf(fixture("axis/Fault_ActionNotSupported.xml"));
    expect(a.kind).toBe("not_supported");
    expect(a.faultCode).toBe("ter:ActionNotSupported");
    expect(a.message).toContain("The requested action is optional and is not implemented");
    const b = errorOf(fixture("axis/Fault_AudioNotSupported.xml"));
    expect(b.kind).toBe("not_supported");
    expect(b.subcodes).toEqual(["ter:ActionNotSupported", "ter:AudioNotSupported"]);
    expect(b.message).toContain("No audio support");
  });

  it("Hikvision InvalidArgVal/InvalidParameter is bad_argument, with its Detail", () => {
    const e = errorOf(fixture("hikvision-onvif/Fault_InvalidParameter.xml"), 400);
    expect(e.kind).toBe("bad_argument");
    expect(e.retryable).toBe(false);
    expect(e.subcodes).toEqual(["ter:InvalidArgVal", "ter:InvalidParameter"]);
    expect(e.message).toContain("token is null");
    expect(e.httpStatus).toBe(400);
  });

  it("Hikvision OEM OperationProhibited/Password is a plain, non-retryable fault", () => {
    const e = errorOf(fixture("hikvision-oem/ENP1A14_Fault.xml"));
    expect(e.kind).toBe("fault");
    expect(e.retryable).toBe(false);
    expect(e.subcodes).toEqual(["ter:OperationProhibited", "ter:Password"]);
    expect(e.message).toContain("Too weak password.");
  });

  it("the kit's InvalidArgVal sample is bad_argument", () => {
    const e = errorOf(sample("31-Fault-InvalidArgVal.xml"));
    expect(e.kind).toBe("bad_argument");
    expect(e.subcodes).toEqual(["ter:InvalidArgVal", "ter:NoRecordingJob"]);
  });
});

describe("fault mapping", () => {
  const notAuthorized = envelope(
    `<s:Fault><s:Code><s:Value>s:Sender</s:Value><s:Subcode><s:Value>ter:NotAuthorized</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang="en">Sender not Authorized</s:Text></s:Reason></s:Fault>`,
  );

  it("ter:NotAuthorized is auth, whatever the HTTP status", () => {
    for (const status of [400, 401, 500, 200]) {
      const e = errorOf(notAuthorized, status);
      expect(e.kind).toBe("auth");
      expect(e.faultCode).toBe("ter:NotAuthorized");
      expect(e.retryable).toBe(false);
    }
  });

  it("resolves subcodes by namespace, not by the prefix the device chose", () => {
    const xml = `<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope" xmlns:err="http://www.onvif.org/ver10/error"><e:Body><e:Fault><e:Code><e:Value>e:Receiver</e:Value><e:Subcode><e:Value>err:ActionNotSupported</e:Value></e:Subcode></e:Code><e:Reason><e:Text xml:lang="en">no</e:Text></e:Reason></e:Fault></e:Body></e:Envelope>`;
    const e = errorOf(xml);
    expect(e.subcodes).toEqual(["ter:ActionNotSupported"]);
    expect(e.kind).toBe("not_supported");
  });

  it("reads SOAP 1.1 faults", () => {
    const xml = `<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ter="http://www.onvif.org/ver10/error"><S:Body><S:Fault><faultcode>ter:NotAuthorized</faultcode><faultstring>bad token</faultstring><detail><x>more</x></detail></S:Fault></S:Body></S:Envelope>`;
    const e = errorOf(xml);
    expect(e.kind).toBe("auth");
    expect(e.message).toContain("bad token");
    expect(e.message).toContain("more");
    const server = errorOf(
      `<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><S:Fault><faultcode>S:Server</faultcode><faultstring>boom</faultstring></S:Fault></S:Body></S:Envelope>`,
    );
    expect(server.kind).toBe("fault");
    expect(server.faultCode).toBe("env:Receiver");
    expect(server.retryable).toBe(true);
  });
});

describe("HTTP status without a fault", () => {
  it.each([
    [401, "auth"],
    [403, "auth"],
    [404, "not_supported"],
    [405, "not_supported"],
    [500, "http"],
    [503, "http"],
  ])("%d → %s", (status, kind) => {
    const e = errorOf("<html>nope</html>", status);
    expect(e.kind).toBe(kind);
    expect(e.httpStatus).toBe(status);
  });

  it("a 200 that is not SOAP is malformed", () => {
    expect(errorOf("<html/>", 200).kind).toBe("malformed");
    expect(errorOf("not xml", 200).kind).toBe("malformed");
    expect(errorOf("", 200).kind).toBe("malformed");
    expect(errorOf(`<!DOCTYPE x><x/>`, 200).kind).toBe("malformed");
  });

  it("a 5xx with an HTML body is retryable http", () => {
    const e = errorOf("<html>busy</html>", 503);
    expect(e.retryable).toBe(true);
  });
});
