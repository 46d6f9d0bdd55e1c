/** Namespace URIs the client reads and writes. The prefixes are the ones ONVIF documents use. */
export const NS = {
  soap12: "http://www.w3.org/2003/05/soap-envelope",
  soap11: "http://schemas.xmlsoap.org/soap/envelope/",
  tds: "http://www.onvif.org/ver10/device/wsdl",
  trt: "http://www.onvif.org/ver10/media/wsdl",
  tr2: "http://www.onvif.org/ver20/media/wsdl",
  trc: "http://www.onvif.org/ver10/recording/wsdl",
  tse: "http://www.onvif.org/ver10/search/wsdl",
  tsc: "http://www.onvif.org/ver10/schedule/wsdl",
  tan: "http://www.onvif.org/ver20/analytics/wsdl",
  tev: "http://www.onvif.org/ver10/events/wsdl",
  tmd: "http://www.onvif.org/ver10/deviceIO/wsdl",
  trp: "http://www.onvif.org/ver10/replay/wsdl",
  tt: "http://www.onvif.org/ver10/schema",
  tns1: "http://www.onvif.org/ver10/topics",
  ter: "http://www.onvif.org/ver10/error",
  wsnt: "http://docs.oasis-open.org/wsn/b-2",
  wstop: "http://docs.oasis-open.org/wsn/t-1",
  wsa: "http://www.w3.org/2005/08/addressing",
  wsse: "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd",
  wsu: "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd",
} as const;

export type Prefix = keyof typeof NS;

/** The ONVIF topic expression dialect every device must support. */
export const CONCRETE_SET_DIALECT = "http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet";
